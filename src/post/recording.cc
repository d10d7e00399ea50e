#include "post/recording.h"

#include <algorithm>
#include <cmath>

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
}

#include "post/ff_util.h"

namespace rw {
namespace {

double Dbfs(double rms) { return rms > 0 ? 20 * std::log10(rms / 32768.0) : -120; }

std::vector<double> FrameRms(const std::vector<int16_t>& mono, int64_t frame) {
  std::vector<double> out;
  for (int64_t at = 0; at < static_cast<int64_t>(mono.size()); at += frame) {
    int64_t end = std::min<int64_t>(at + frame, static_cast<int64_t>(mono.size()));
    double sum = 0;
    for (int64_t i = at; i < end; ++i) sum += static_cast<double>(mono[static_cast<size_t>(i)]) * mono[static_cast<size_t>(i)];
    out.push_back(std::sqrt(sum / static_cast<double>(std::max<int64_t>(1, end - at))));
  }
  return out;
}

// Decodes the first audio stream of `file` to mono 16-bit at `rate`.
Result<std::vector<int16_t>> DecodeMono(const std::filesystem::path& file, int rate) {
  ff::QuietLogs();
  const std::string where = file.string();
  AVFormatContext* raw = nullptr;
  if (int rc = avformat_open_input(&raw, file.c_str(), nullptr, nullptr); rc < 0)
    return BadInput(where, "cannot read this recording as audio (" + ff::AvError(rc, "open", where).message + "); use WAV, FLAC, MP3, M4A or Ogg");
  ff::InputFormatPtr input(raw);
  if (int rc = avformat_find_stream_info(input.get(), nullptr); rc < 0) return ff::AvError(rc, "cannot read the streams", where);
  int index = av_find_best_stream(input.get(), AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
  if (index < 0) return BadInput(where, "this file has no audio stream; a line's recording is a sound file");
  const AVCodecParameters* par = input->streams[index]->codecpar;
  const AVCodec* codec = avcodec_find_decoder(par->codec_id);
  if (!codec) return BadInput(where, "no decoder for this recording's audio codec; use WAV or FLAC");
  ff::CodecContextPtr dec(avcodec_alloc_context3(codec));
  if (int rc = avcodec_parameters_to_context(dec.get(), par); rc < 0) return ff::AvError(rc, "cannot set up the decoder", where);
  if (int rc = avcodec_open2(dec.get(), codec, nullptr); rc < 0) return ff::AvError(rc, "cannot open the decoder", where);

  AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
  SwrContext* swr_raw = nullptr;
  if (int rc = swr_alloc_set_opts2(&swr_raw, &mono, AV_SAMPLE_FMT_S16, rate, &dec->ch_layout, dec->sample_fmt, dec->sample_rate, 0,
                                   nullptr);
      rc < 0)
    return ff::AvError(rc, "cannot set up resampling", where);
  ff::SwrPtr swr(swr_raw);
  if (int rc = swr_init(swr.get()); rc < 0) return ff::AvError(rc, "cannot set up resampling", where);

  std::vector<int16_t> out;
  ff::FramePtr frame = ff::MakeFrame();
  ff::PacketPtr packet = ff::MakePacket();
  auto convert = [&](const AVFrame* f) -> Status {
    int in = f ? f->nb_samples : 0;
    int capacity = swr_get_out_samples(swr.get(), in) + 32;
    size_t at = out.size();
    out.resize(at + static_cast<size_t>(capacity));
    uint8_t* planes[1] = {reinterpret_cast<uint8_t*>(out.data() + at)};
    int got = swr_convert(swr.get(), planes, capacity, f ? const_cast<const uint8_t**>(f->extended_data) : nullptr, in);
    if (got < 0) return ff::AvError(got, "cannot resample the recording", where);
    out.resize(at + static_cast<size_t>(got));
    return {};
  };
  auto drain = [&]() -> Status {
    while (avcodec_receive_frame(dec.get(), frame.get()) == 0) {
      RW_TRY(convert(frame.get()));
      av_frame_unref(frame.get());
    }
    return {};
  };
  while (av_read_frame(input.get(), packet.get()) >= 0) {
    if (packet->stream_index == index && avcodec_send_packet(dec.get(), packet.get()) >= 0) RW_TRY(drain());
    av_packet_unref(packet.get());
  }
  avcodec_send_packet(dec.get(), nullptr);
  RW_TRY(drain());
  RW_TRY(convert(nullptr));
  return out;
}

}  // namespace

VoicedSpan FindVoice(const std::vector<int16_t>& mono, int sample_rate) {
  const int64_t frame = std::max(1, sample_rate / 100);  // 10 ms
  std::vector<double> rms = FrameRms(mono, frame);
  if (rms.empty()) return {};
  std::vector<double> sorted = rms;
  std::sort(sorted.begin(), sorted.end());
  double floor_db = Dbfs(sorted[sorted.size() / 10]);
  double threshold = std::max(floor_db + 12, -50.0);
  int64_t first = -1, last = -1;
  for (size_t i = 0; i < rms.size(); ++i)
    if (Dbfs(rms[i]) >= threshold) {
      if (first < 0) first = static_cast<int64_t>(i);
      last = static_cast<int64_t>(i);
    }
  if (first < 0) return {};
  const int64_t pad = sample_rate * 15 / 100;  // 150 ms
  VoicedSpan span;
  span.begin = std::max<int64_t>(0, first * frame - pad);
  span.end = std::min<int64_t>(static_cast<int64_t>(mono.size()), (last + 1) * frame + pad);
  return span;
}

Result<Recording> PrepareRecording(const std::filesystem::path& file, int sample_rate) {
  RW_ASSIGN(std::vector<int16_t> mono, DecodeMono(file, sample_rate));
  VoicedSpan span = FindVoice(mono, sample_rate);
  if (span.end <= span.begin)
    return BadInput(file.string(), "no speech found in this recording (it is silent or below -50 dBFS); record the line again or remove the file");
  Recording r;
  r.source_seconds = static_cast<double>(mono.size()) / sample_rate;
  r.trimmed_head_s = static_cast<double>(span.begin) / sample_rate;
  r.trimmed_tail_s = static_cast<double>(static_cast<int64_t>(mono.size()) - span.end) / sample_rate;
  r.pcm.sample_rate = sample_rate;
  r.pcm.channels = 1;
  r.pcm.samples.assign(mono.begin() + span.begin, mono.begin() + span.end);
  return r;
}

std::vector<std::pair<double, std::string>> EnvelopeVisemes(const Pcm& mono) {
  std::vector<std::pair<double, std::string>> out;
  if (mono.sample_rate <= 0 || mono.channels != 1) return out;
  const int64_t frame = mono.sample_rate * 6 / 100;  // 60 ms
  std::vector<double> rms = FrameRms(mono.samples, frame);
  for (size_t i = 0; i < rms.size(); ++i) {
    double db = Dbfs(rms[i]);
    const char* shape = db < -40 ? "rest" : db < -28 ? "E" : db < -18 ? "O" : "AI";
    if (out.empty() || out.back().second != shape) out.push_back({static_cast<double>(i) * 0.06, shape});
  }
  return out;
}

}  // namespace rw
