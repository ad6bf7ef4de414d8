#include "ui/audio_output.hpp"

#include <dlfcn.h>
#include <span>

namespace pneuma::ui {
namespace {
// ALSA's library prints its own lines to stderr for every step that fails while SDL looks for a
// device (eight on a machine without a sound card), before SDL returns its one error. That error
// is what the person is told (one line), so ALSA's own printing is turned off: its error handler
// is process-wide state of libasound, set here before SDL loads the same library (the dynamic
// loader shares one copy). No ALSA installed: nothing to silence.
extern "C" void quiet_alsa(const char*, int, const char*, int, const char*, ...) {}

void silence_alsa_messages() {
  static const bool done = [] {
    void* alsa = dlopen("libasound.so.2", RTLD_NOW | RTLD_GLOBAL);
    if (alsa == nullptr) return false;
    using Handler = void (*)(const char*, int, const char*, int, const char*, ...);
    using SetHandler = int (*)(Handler);
    if (auto set = reinterpret_cast<SetHandler>(dlsym(alsa, "snd_lib_error_set_handler"))) set(&quiet_alsa);
    return true; // the library stays loaded: SDL uses it and the handler must outlive its calls
  }();
  (void)done;
}
} // namespace

AudioOutput::~AudioOutput() {
  if (device_ != 0) SDL_CloseAudioDevice(device_);
  if (subsystem_) SDL_QuitSubSystem(SDL_INIT_AUDIO);
}

bool AudioOutput::open(app::AudioCueConfig config, std::string& why) {
  silence_alsa_messages();
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
