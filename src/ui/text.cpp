#include "ui/text.hpp"

#include <algorithm>
#include <filesystem>
#include <fontconfig/fontconfig.h>
#include <stdexcept>

namespace pneuma::ui {

std::string find_font_path() {
  // The font a desktop would choose for "DejaVu Sans" (fontconfig: the user's own configuration,
  // substitutes, any installed sans-serif when DejaVu is absent), as fc-match answers it.
  std::string path;
  if (FcInit() == FcTrue) {
    FcPattern* pattern = FcNameParse(reinterpret_cast<FcChar8 const*>("DejaVu Sans:style=Book"));
    if (pattern != nullptr) {
      FcConfigSubstitute(nullptr, pattern, FcMatchPattern);
      FcDefaultSubstitute(pattern);
      FcResult result = FcResultNoMatch;
      if (FcPattern* match = FcFontMatch(nullptr, pattern, &result)) {
        FcChar8* file = nullptr;
        // SDL_ttf opens TrueType and OpenType outlines; a bitmap-only match is no use.
        FcBool outline = FcFalse;
        if (FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch &&
            (FcPatternGetBool(match, FC_OUTLINE, 0, &outline) != FcResultMatch || outline == FcTrue))
          path = reinterpret_cast<char const*>(file);
        FcPatternDestroy(match);
      }
      FcPatternDestroy(pattern);
    }
    // Nothing else in the process uses fontconfig (SDL_ttf opens the file itself): release its
    // configuration and caches now rather than leave them to the process's end.
    FcFini();
  }
  if (!path.empty() && std::filesystem::exists(path)) return path;
  // No fontconfig answer (no configuration at all): Debian's DejaVu file, where it always is.
  for (const char* p : {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"})
    if (std::filesystem::exists(p)) return p;
  throw std::runtime_error("no font found through fontconfig (install the Debian package fonts-dejavu-core)");
}

TextRenderer::TextRenderer(SDL_Renderer* renderer) : renderer_(renderer), path_(find_font_path()) {}

TextRenderer::~TextRenderer() {
  for (auto& [key, e] : cache_) SDL_DestroyTexture(e.texture);
  for (auto& [px, f] : fonts_) TTF_CloseFont(f);
}

TTF_Font* TextRenderer::font(int px) {
  if (auto it = fonts_.find(px); it != fonts_.end()) return it->second;
  TTF_Font* f = TTF_OpenFont(path_.c_str(), px);
  if (f == nullptr) throw std::runtime_error(std::string("cannot open font: ") + TTF_GetError());
  fonts_[px] = f;
  return f;
}

SDL_Point TextRenderer::draw(std::string_view text, int px, SDL_Color colour, int x, int y,
                             Align align) {
  return draw_impl(text, px, colour, x, y, align, 0);
}

SDL_Point TextRenderer::draw_wrapped(std::string_view text, int px, SDL_Color colour, int x, int y,
                                     int wrap_px) {
  return draw_impl(text, px, colour, x, y, Align::left, std::max(1, wrap_px));
}

SDL_Point TextRenderer::draw_impl(std::string_view text, int px, SDL_Color colour, int x, int y,
                                  Align align, int wrap_px) {
  if (text.empty()) return {0, 0};
  const Uint32 rgba = (Uint32{colour.r} << 24) | (Uint32{colour.g} << 16) |
                      (Uint32{colour.b} << 8) | Uint32{colour.a};
  auto it = cache_.find(KeyView{text, px, rgba, wrap_px});
  if (it == cache_.end()) {
    Key key{std::string(text), px, rgba, wrap_px};
    SDL_Surface* surface =
        wrap_px > 0 ? TTF_RenderUTF8_Blended_Wrapped(font(px), key.text.c_str(), colour, static_cast<Uint32>(wrap_px))
                    : TTF_RenderUTF8_Blended(font(px), key.text.c_str(), colour);
    if (surface == nullptr) return {0, 0};
    SDL_Texture* texture = SDL_CreateTextureFromSurface(renderer_, surface);
    const SDL_Point size{surface->w, surface->h};
    SDL_FreeSurface(surface);
    if (texture == nullptr) return {0, 0};
    it = cache_.emplace(std::move(key), Entry{texture, size, true}).first;
  }
  it->second.used = true;
  const SDL_Point size = it->second.size;
  int left = x;
  if (align == Align::centre) left = x - size.x / 2;
  if (align == Align::right) left = x - size.x;
  const SDL_Rect dst{left, y, size.x, size.y};
  SDL_RenderCopy(renderer_, it->second.texture, nullptr, &dst);
  return size;
}

void TextRenderer::end_frame() {
  for (auto it = cache_.begin(); it != cache_.end();) {
    if (!it->second.used) {
      SDL_DestroyTexture(it->second.texture);
      it = cache_.erase(it);
    } else {
      it->second.used = false;
      ++it;
    }
  }
}

} // namespace pneuma::ui
