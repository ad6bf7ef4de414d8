#pragma once
// Which SDL renderer draws the window. Without a GPU (virtual machines, remote desktops, older
// clinic PCs) OpenGL is Mesa's software rasteriser, and SDL's OpenGL renderer on it costs about
// half a core and ~120 MB, where SDL's own software renderer draws the same frames in a few per
// cent and ~26 MB. So: ask OpenGL who draws (its GL_RENDERER string, from a hidden probe window)
// and, when that is a CPU rasteriser, use SDL's software renderer. A machine with no GPU device
// node at all is not probed: its OpenGL can only be a CPU rasteriser. A render driver the person
// chose (SDL_RENDER_DRIVER) is always kept.

#include <string>
#include <string_view>

namespace pneuma::ui {

/// Whether an OpenGL GL_RENDERER string names a CPU rasteriser: Mesa's llvmpipe, softpipe or
/// swrast ("Software Rasterizer"), Microsoft's GDI Generic.
[[nodiscard]] bool is_software_rasteriser(std::string_view gl_renderer) noexcept;

/// GL_RENDERER of the display's default OpenGL, from a hidden 1x1 window; empty when OpenGL is
/// not available. SDL video must be initialised; the probe's GL library is unloaded after.
[[nodiscard]] std::string probe_gl_renderer();

struct RendererChoice {
  bool software = false;   ///< SDL's software renderer was asked for
  std::string gl_renderer; ///< what OpenGL said (empty: not probed, or no OpenGL)
  std::string reason;      ///< one line for a log: why this renderer
};

/// Before the first renderer is created: sets SDL's hints for the renderer to use.
RendererChoice choose_renderer();

} // namespace pneuma::ui
