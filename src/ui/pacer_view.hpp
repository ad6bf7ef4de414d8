#pragma once
// The training screen: the pacer (circle, bar or wave) with the phase word, and around it the
// live feedback: how well the breath follows the pacer, breathing and heart rate, the chosen
// score with its meaning, a 60 s heart-rate trace, device status and signal quality, the session
// timer and progress, and the on-screen buttons. Patient mode (clinician sessions) keeps only
// the pacer, the phase word and the timer, large enough to read across a room.
// Draws only what it is given: the frame's TrainerState (the pacer's position, the traces) and its
// TrainerViewModel (every word, number and tone; view/trainer_view_model.hpp). Layout is a pure
// function of the output size, in pixels (HiDPI: the renderer's output size, not the window's).

#include <SDL.h>

#include <string>
#include <vector>

#include "live/metrics.hpp"
#include "pacer/pacer_timeline.hpp"
#include "ui/controls.hpp"
#include "ui/paint.hpp"
#include "ui/text.hpp"
#include "view/trainer_view_model.hpp"

namespace pneuma::ui {

/// Where the pacer is drawn, for a given output size (pixels).
struct PacerGeometry {
  SDL_FRect area{};          ///< the pacer's part of the screen
  float cx = 0, cy = 0;      ///< circle centre (also the bar's centre line)
  float r_min = 0, r_max = 0;
  SDL_FRect bar{};           ///< the bar's track
  SDL_FRect wave{};          ///< the wave's plot box
  float wave_now_x = 0;      ///< x of "now" in the wave
  double wave_past_s = 0, wave_future_s = 0;
  float word_y = 0;          ///< top of the phase word
  int word_px = 0;           ///< phase word size
  float unit = 1;            ///< 1 at 1280x720
};

class PacerView {
public:
  PacerView(SDL_Renderer* renderer, TextRenderer& text) : paint_(renderer), text_(text) {}
  ~PacerView();
  PacerView(PacerView const&) = delete;
  PacerView& operator=(PacerView const&) = delete;
  /// Draws the training screen from this frame's state and its view model (built once per
  /// frame by the window); returns the buttons drawn (empty in patient mode).
  std::vector<Button> const& draw(app::TrainerState const& state, app::TrainerViewModel const& vm,
                                  int width, int height);
  /// The same, building the view model itself (tests, one-window tools).
  std::vector<Button> const& draw(app::TrainerState const& state, int width, int height);

  static PacerGeometry geometry(int width, int height, bool patient, double rate_bpm = 6.0);
  /// Circle radius for a target position 0..1.
  static float circle_radius(PacerGeometry const& g, double position) noexcept;
  /// Top of the bar's fill for a target position 0..1.
  static float bar_top(PacerGeometry const& g, double position) noexcept;
  /// y of a position 0..1 in the wave box.
  static float wave_y(PacerGeometry const& g, double position) noexcept;

private:
  struct LayerKey {
    long quarter = -1; ///< quarter seconds of session time
    int w = 0, h = 0, stage = 0, shape = 0, score = 0, flags = 0, rate_tenths = 0, volume = 0;
    bool operator==(LayerKey const&) const = default;
  };
  using State = app::TrainerState;
  using Model = app::TrainerViewModel;
  static LayerKey layer_key(State const& m, int w, int h);
  void draw_layer(State const& m, Model const& vm, PacerGeometry const& g, int w, int h);
  void draw_top_bar(Model const& vm, int w, float u, bool patient);
  void draw_pacer(State const& m, Model const& vm, PacerGeometry const& g);
  void draw_circle(State const& m, PacerGeometry const& g, SDL_Color fill);
  void draw_bar(State const& m, PacerGeometry const& g, SDL_Color fill);
  void draw_wave(State const& m, PacerGeometry const& g, SDL_Color fill);
  void draw_panel(State const& m, Model const& vm, SDL_FRect panel, float u);
  void draw_compact_numbers(Model const& vm, float y, int w, float u);
  std::vector<Button> draw_buttons(State const& m, Model const& vm, int w, int h, float u);
  Painter paint_;
  TextRenderer& text_;
  std::vector<SDL_FPoint> points_; // scratch for curves
  float breath_span_ = 0;          // remembered range of the belt trace (wave shape)
  double span_t_ = 0;
  SDL_Texture* layer_ = nullptr;   // everything but the pacer
  LayerKey key_{};
  std::vector<Button> layer_buttons_;
  SDL_FRect score_card_{};
  app::TrainerViewModel own_model_; // for draw(state, w, h)
};

/// A heart-rate trace (last 60 s of the 4 Hz trace) in a box, auto-scaled, gaps left open;
/// shared with the clinician window. Inhale periods of the pacer are shaded behind it.
/// `paced_from_s`: session time the pacer started (no shading before it).
void draw_hr_trace(Painter& paint, TextRenderer& text, app::Metrics const& m,
                   app::PacerTimeline const* timeline, double paced_from_s, SDL_FRect box, float u,
                   std::vector<SDL_FPoint>& scratch);
/// Session time the current training began (infinity outside training).
double paced_from(app::TrainerState const& m) noexcept;
/// Draws a clickable pill button.
void draw_button(Painter& paint, TextRenderer& text, Button const& b, int px);

} // namespace pneuma::ui
