#include "ui/audio_output.hpp"

#include <span>

namespace pneuma::ui {

AudioOutput::~AudioOutput() {
  if (device_ != 0) SDL_CloseAudioDevice(device_);
  if (subsystem_) SDL_QuitSubSystem(SDL_INIT_AUDIO);
}

bool AudioOutput::open(app::AudioCueConfig config, std::string& why) {
  if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
    why = std::string("no audio: ") + SDL_GetError();
    return false;
  }
  subsystem_ = true;
  SDL_AudioSpec want{};
  want.freq = 48000;
  want.format = AUDIO_F32SYS;
  want.channels = 1;
  want.samples = 1024;
  want.callback = &AudioOutput::callback;
  want.userdata = this;
  SDL_AudioSpec have{};
  device_ = SDL_OpenAudioDevice(nullptr, 0, &want, &have, SDL_AUDIO_ALLOW_FREQUENCY_CHANGE);
  if (device_ == 0) {
    why = std::string("no audio device: ") + SDL_GetError();
    return false;
  }
  rate_ = have.freq;
  latency_s_ = static_cast<double>(have.samples) / rate_;
  config.sample_rate = rate_;
  cue_ = std::make_unique<app::AudioCue>(config);
  SDL_PauseAudioDevice(device_, 0);
  return true;
}

void AudioOutput::callback(void* self, Uint8* stream, int len) noexcept {
  auto* out = static_cast<AudioOutput*>(self);
  std::span<float> buffer(reinterpret_cast<float*>(stream), static_cast<std::size_t>(len) / sizeof(float));
  // The buffer is heard about one buffer from now: aim the cue at that moment.
  const double speed = out->clock_.speed();
  const double t0 = out->clock_.now_s() + out->latency_s_ * speed;
  out->cue_->render(buffer, out->pacer_.load(), t0, speed / out->rate_);
}

} // namespace pneuma::ui
