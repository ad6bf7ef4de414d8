#pragma once
// Text for the SDL view: DejaVu Sans (or fontconfig's nearest sans-serif) through SDL2_ttf, with rendered
// strings cached as textures so a steady screen costs no re-rendering (and, once cached, no
// allocation: the cache is looked up by a view of the text).

#include <SDL.h>
#include <SDL_ttf.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>

namespace pneuma::ui {

/// Path of the UI font, found through fontconfig; throws std::runtime_error naming the package
/// when there is none.
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
  SDL_Point draw(std::string_view text, int px, SDL_Color colour, int x, int y,
                 Align align = Align::left);
  /// Like draw, broken into lines at word boundaries to fit `wrap_px` wide.
  SDL_Point draw_wrapped(std::string_view text, int px, SDL_Color colour, int x, int y, int wrap_px);
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
  SDL_Point draw_impl(std::string_view text, int px, SDL_Color colour, int x, int y, Align align,
                      int wrap_px);
  struct Key {
    std::string text;
    int px;
    Uint32 rgba;
    int wrap_px;
  };
  struct KeyView {
    std::string_view text;
    int px;
    Uint32 rgba;
    int wrap_px;
  };
  struct KeyLess {
    using is_transparent = void; // find() by a KeyView: no string is built for a cached text
    template <class A, class B> bool operator()(A const& a, B const& b) const noexcept {
      return std::tuple(std::string_view(a.text), a.px, a.rgba, a.wrap_px) <
             std::tuple(std::string_view(b.text), b.px, b.rgba, b.wrap_px);
    }
  };
  std::map<Key, Entry, KeyLess> cache_;
};

} // namespace pneuma::ui
