#pragma once
// Text for the SDL view: DejaVu Sans (Debian fonts-dejavu-core) through SDL2_ttf, with rendered
// strings cached as textures so a steady screen costs no re-rendering.

#include <SDL.h>
#include <SDL_ttf.h>

#include <map>
#include <memory>
#include <string>
#include <tuple>

namespace pneuma::ui {

/// Path of the UI font; throws std::runtime_error naming the package when it is missing.
std::string find_font_path();

enum class Align { left, centre, right };

class TextRenderer {
public:
  /// TTF_Init must have succeeded. Throws std::runtime_error when the font cannot be opened.
  explicit TextRenderer(SDL_Renderer* renderer);
  ~TextRenderer();
  TextRenderer(TextRenderer const&) = delete;
  TextRenderer& operator=(TextRenderer const&) = delete;

  /// Draws `text` at pixel size `px` with its anchor at (x, y) (top of the line); returns its size.
  SDL_Point draw(std::string const& text, int px, SDL_Color colour, int x, int y,
                 Align align = Align::left);
  /// Like draw, broken into lines at word boundaries to fit `wrap_px` wide.
  SDL_Point draw_wrapped(std::string const& text, int px, SDL_Color colour, int x, int y, int wrap_px);
  /// Drops cached strings not drawn since the last call (call once per frame).
  void end_frame();

private:
  TTF_Font* font(int px);
  struct Entry {
    SDL_Texture* texture;
    SDL_Point size;
    bool used;
  };
  SDL_Renderer* renderer_;
  std::string path_;
  std::map<int, TTF_Font*> fonts_;
  SDL_Point draw_impl(std::string const& text, int px, SDL_Color colour, int x, int y, Align align,
                      int wrap_px);
  std::map<std::tuple<std::string, int, Uint32, int>, Entry> cache_;
};

} // namespace pneuma::ui
