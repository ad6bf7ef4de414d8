#include "ui/renderer_choice.hpp"

#include <SDL.h>
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace pneuma::ui {

bool is_software_rasteriser(std::string_view gl_renderer) noexcept {
  std::string lower(gl_renderer.size(), ' ');
  std::transform(gl_renderer.begin(), gl_renderer.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (std::string_view name : {"llvmpipe", "softpipe", "swrast", "software rasterizer", "gdi generic"})
    if (lower.find(name) != std::string::npos) return true;
  return false;
}

std::string probe_gl_renderer() {
  std::string name;
  SDL_Window* probe = SDL_CreateWindow("", 0, 0, 1, 1, SDL_WINDOW_OPENGL | SDL_WINDOW_HIDDEN);
  if (probe == nullptr) return name;
  if (SDL_GLContext context = SDL_GL_CreateContext(probe)) {
    using GetString = const unsigned char* (*)(unsigned int);
    constexpr unsigned int kGlRenderer = 0x1F01; // GL_RENDERER
    if (auto get = reinterpret_cast<GetString>(SDL_GL_GetProcAddress("glGetString")))
      if (const unsigned char* s = get(kGlRenderer)) name = reinterpret_cast<const char*>(s);
    SDL_GL_DeleteContext(context);
  }
  SDL_DestroyWindow(probe);
  SDL_GL_UnloadLibrary(); // the window's renderer loads it again only if it uses OpenGL
  return name;
}

namespace {
/// Whether the machine has a GPU device node at all: DRM (Mesa, the open drivers) or NVIDIA's.
/// Without one, OpenGL can only be a CPU rasteriser, and probing it would load it (~60 MB) for
/// nothing.
bool has_gpu_device() {
  std::error_code ec;
  for (auto const& e : std::filesystem::directory_iterator("/dev/dri", ec))
    if (e.path().filename().string().rfind("renderD", 0) == 0 || e.path().filename().string().rfind("card", 0) == 0)
      return true;
  return std::filesystem::exists("/dev/nvidia0", ec);
}
} // namespace

RendererChoice choose_renderer() {
  RendererChoice c;
  if (const char* driver = std::getenv("SDL_RENDER_DRIVER"); driver != nullptr && driver[0] != '\0') {
    c.software = std::string_view(driver) == "software";
    c.reason = std::string("SDL_RENDER_DRIVER=") + driver;
  } else if (!has_gpu_device()) {
    c.software = true;
    c.reason = "no GPU device (/dev/dri, /dev/nvidia0): SDL's software renderer";
    SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
  } else {
    c.gl_renderer = probe_gl_renderer();
    c.software = is_software_rasteriser(c.gl_renderer);
    c.reason = c.software ? "OpenGL is drawn by the CPU (" + c.gl_renderer + "): SDL's software renderer"
               : c.gl_renderer.empty() ? "no OpenGL: SDL's default renderer"
                                        : "OpenGL on " + c.gl_renderer;
    if (c.software) SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
  }
  // The software renderer draws into the window surface: keep that a plain surface rather than
  // an OpenGL texture (which would load a GL driver, ~60 MB, for nothing).
  if (c.software) SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
  return c;
}

} // namespace pneuma::ui
