#include "post/video_writer.h"

#include <system_error>

#include "base/file.h"
#include "post/ff_util.h"

extern "C" {
#include <libavutil/pixfmt.h>
}

namespace rw {

struct VideoWriter::Impl {
  std::filesystem::path path;  // the real target
  std::filesystem::path temp;  // where the MP4 is written until Finish()
  int width = 0, height = 0;
  ff::OutputFormatPtr out;
  ff::EncodedStream video;
  ff::FramePtr frame;
  ff::PacketPtr packet;
  ff::SwsPtr sws;
  bool finished = false;

  ~Impl() {
    if (finished) return;
    video.codec.reset();
    out.reset();  // closes the file before it is removed
    std::error_code ec;
    std::filesystem::remove(temp, ec);
  }
};

VideoWriter::VideoWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
VideoWriter::~VideoWriter() = default;

Result<std::unique_ptr<VideoWriter>> VideoWriter::Open(const std::filesystem::path& path, int width, int height,
                                                       int fps, const ClipEncodeOptions& options) {
  const std::string where = path.string();
  if (width <= 0 || height <= 0 || width % 2 != 0 || height % 2 != 0) {
    return BadInput(where, "clip size must be positive and even, got " + std::to_string(width) + "x" +
                               std::to_string(height));
  }
  if (fps <= 0) return BadInput(where, "clip fps must be positive");
  if (path.has_parent_path()) RW_TRY(MakeDirs(path.parent_path()));

  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->temp = TempPathFor(path);
  impl->width = width;
  impl->height = height;
  RW_ASSIGN(impl->out, ff::OpenMp4Output(impl->temp.string()));

  ff::H264Settings settings;
  settings.width = width;
  settings.height = height;
  settings.fps = fps;
  settings.gop_frames = fps;
  settings.crf = options.crf;
  settings.x264_preset = options.x264_preset;
  RW_ASSIGN(impl->video, ff::AddH264Stream(impl->out.get(), settings, where));
  RW_ASSIGN(impl->frame, ff::MakeVideoFrame(width, height, where));
  impl->packet = ff::MakePacket();
  if (!impl->packet) return Failed("out of memory allocating a packet", where);

  // Cairo ARGB32 is a native-endian 32-bit ARGB word: FFmpeg's AV_PIX_FMT_RGB32.
  impl->sws.reset(sws_getContext(width, height, AV_PIX_FMT_RGB32, width, height, AV_PIX_FMT_YUV420P, SWS_BILINEAR,
                                 nullptr, nullptr, nullptr));
  if (!impl->sws) return Failed("cannot create the RGB to YUV converter", where);
  // Full-range RGB in, limited-range BT.709 YUV out (the stream is tagged BT.709).
  const int* bt709 = sws_getCoefficients(SWS_CS_ITU709);
  sws_setColorspaceDetails(impl->sws.get(), bt709, 1, bt709, 0, 0, 1 << 16, 1 << 16);

  RW_TRY(ff::WriteHeader(impl->out.get(), impl->temp.string(), nullptr, where));
  return std::unique_ptr<VideoWriter>(new VideoWriter(std::move(impl)));
}

Status VideoWriter::Write(const Image& image) {
  Impl& m = *impl_;
  const std::string where = m.path.string();
  if (m.finished) return Failed("frame written after Finish()", where);
  if (image.width != m.width || image.height != m.height) {
    return BadInput(where, "frame is " + std::to_string(image.width) + "x" + std::to_string(image.height) +
                               ", the clip is " + std::to_string(m.width) + "x" + std::to_string(m.height));
  }
  int rc = av_frame_make_writable(m.frame.get());
  if (rc < 0) return ff::AvError(rc, "cannot get a writable frame", where);
  const uint8_t* src[1] = {image.pixels.data()};
  const int src_stride[1] = {image.stride};
  sws_scale(m.sws.get(), src, src_stride, 0, image.height, m.frame->data, m.frame->linesize);
  m.frame->pts = frames_;
  RW_TRY(ff::EncodeAndWrite(m.video, m.frame.get(), m.out.get(), m.packet.get(), where));
  ++frames_;
  return {};
}

Status VideoWriter::WriteDrawn(const std::function<void(uint8_t* const data[3], const int stride[3])>& draw) {
  Impl& m = *impl_;
  const std::string where = m.path.string();
  if (m.finished) return Failed("frame written after Finish()", where);
  int rc = av_frame_make_writable(m.frame.get());
  if (rc < 0) return ff::AvError(rc, "cannot get a writable frame", where);
  draw(m.frame->data, m.frame->linesize);
  m.frame->pts = frames_;
  RW_TRY(ff::EncodeAndWrite(m.video, m.frame.get(), m.out.get(), m.packet.get(), where));
  ++frames_;
  return {};
}

Status VideoWriter::Finish() {
  Impl& m = *impl_;
  const std::string where = m.path.string();
  if (m.finished) return Failed("Finish() called twice", where);
  RW_TRY(ff::EncodeAndWrite(m.video, nullptr, m.out.get(), m.packet.get(), where));
  int rc = av_write_trailer(m.out.get());
  if (rc < 0) return ff::AvError(rc, "cannot finish the MP4", where);
  rc = avio_closep(&m.out->pb);
  if (rc < 0) return ff::AvError(rc, "cannot close the MP4", where);
  RW_TRY(CommitTempFile(m.temp, m.path));
  m.finished = true;
  return {};
}

}  // namespace rw
