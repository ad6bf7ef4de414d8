#pragma once
// Plays the audio cue through SDL audio. The callback (SDL's audio thread) reads the shared pacer
// (SeqLock: never blocks) and the session clock, and asks the AudioCue generator for the buffer;
// it allocates nothing, locks nothing and logs nothing.

#include <SDL.h>

#include <memory>
#include <string>

#include "pacer/audio_cue.hpp"
#include "pacer/pacer_timeline.hpp"
#include "live/seqlock.hpp"
#include "pneuma/drivers/clock.hpp"

namespace pneuma::ui {

class AudioOutput {
public:
  AudioOutput(app::SeqLock<app::PacerTimeline> const& pacer, drivers::Clock const& clock)
      : pacer_(pacer), clock_(clock) {}
  ~AudioOutput();
  AudioOutput(AudioOutput const&) = delete;
  AudioOutput& operator=(AudioOutput const&) = delete;

  /// Opens the default output device (mono float, 48 kHz) and starts the cue. False, with `why`,
  /// when there is none.
  bool open(app::AudioCueConfig config, std::string& why);
  /// The generator (nullptr until open succeeded): volume, mute and style are set here.
  [[nodiscard]] app::AudioCue* cue() noexcept { return cue_.get(); }
  [[nodiscard]] bool is_open() const noexcept { return device_ != 0; }
  [[nodiscard]] double sample_rate() const noexcept { return rate_; }

private:
  static void callback(void* self, Uint8* stream, int len) noexcept;
  std::unique_ptr<app::AudioCue> cue_;
  app::SeqLock<app::PacerTimeline> const& pacer_;
  drivers::Clock const& clock_;
  SDL_AudioDeviceID device_ = 0;
  double rate_ = 48000;
  double latency_s_ = 0;
  bool subsystem_ = false;
};

} // namespace pneuma::ui
