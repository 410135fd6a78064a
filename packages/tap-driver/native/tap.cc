// @stack/tap-driver native part: one Linux TAP device per TapHandle.
//
// The descriptor is non-blocking and watched by a libuv poll handle on the JavaScript thread; no
// thread-pool thread is ever used. No copy is made on either side:
//
// - Receive. JavaScript posts buffers from the stack's pool into a ring of `batch` slots (post()),
//   as a NIC driver posts receive descriptors. On a readable wake the addon reads frames straight
//   into the posted buffers, one readv() per frame, until EAGAIN or the posted buffers run out, and
//   makes ONE JavaScript callback with the count. The second iovec of each readv() is a scratch
//   area, so a frame larger than its buffer is never cut: the callback gets its full length and
//   JavaScript joins the two parts (the read loop stops after such a frame). With no buffer posted,
//   frames are read into the scratch area and counted as dropped, so a level-triggered poll never
//   spins.
// - Transmit. writeFrames() writes frames straight from the stack's buffers, one write() per frame
//   (a TAP takes one frame per write), as many as the device accepts, in one call per batch.
//
// Buffers reach the addon as call arguments (a spread array), which is much cheaper per frame than
// reading them out of an array with napi_get_element. System calls go through syscall(2): glibc's
// read()/write() wrappers are cancellation points, which costs a few percent per frame in a
// multi-threaded process such as Node.
//
// Errors thrown by the JavaScript callbacks are reported as uncaught exceptions.

#include <napi.h>
#include <uv.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

namespace {

Napi::Value ThrowErrno(Napi::Env env, const std::string& what, int err) {
  Napi::Error e = Napi::Error::New(env, what + ": " + strerror(err));
  e.Set("errno", Napi::Number::New(env, err));
  e.Set("code", Napi::String::New(env, uv_err_name(-err)));
  e.ThrowAsJavaScriptException();
  return env.Undefined();
}

Napi::Value ThrowType(Napi::Env env, const std::string& what) {
  Napi::TypeError::New(env, what).ThrowAsJavaScriptException();
  return env.Undefined();
}

// Runs `fn` with the calling thread inside the network namespace at `path` (empty: no switch),
// then returns the thread to its own namespace. Only the calling thread changes namespace
// (setns(CLONE_NEWNET) is per thread), and only for the duration of `fn`.
template <typename Fn>
int InNetns(const std::string& path, std::string* what, Fn fn) {
  if (path.empty()) return fn();
  int target = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (target < 0) {
    *what = "open network namespace " + path;
    return errno;
  }
  int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (self < 0) {
    int err = errno;
    close(target);
    *what = "open /proc/thread-self/ns/net";
    return err;
  }
  if (setns(target, CLONE_NEWNET) < 0) {
    int err = errno;
    close(target);
    close(self);
    *what = "setns " + path;
    return err;
  }
  int result = fn();
  if (setns(self, CLONE_NEWNET) < 0) {
    // The JavaScript thread would be left in a foreign namespace: nothing sane can continue.
    fprintf(stderr, "@stack/tap-driver: cannot return to the original network namespace: %s\n",
            strerror(errno));
    abort();
  }
  close(target);
  close(self);
  return result;
}

// Slots of the shared status array (an Int32Array); JavaScript reads and writes the same indices.
enum Status : int {
  kTxFailed = 0,     // frames that failed in the last writeFrames() call
  kLastErrno = 1,    // errno of the last failure
  kTxBytes = 2,      // bytes written by the last writeFrames() call
  kRxHead = 3,       // first posted receive slot (set by JavaScript)
  kRxPosted = 4,     // receive slots posted from kRxHead on (set by JavaScript)
  kRxDropped = 5,    // frames read into the scratch area for want of a buffer (JavaScript clears)
  kStatusLength = 8,
};

// One posted receive buffer: where the next frame of this slot goes, and how much fits there.
struct RxSlot {
  uint8_t* data = nullptr;
  uint32_t room = 0;
};

// Frames are at most this long (a TAP's MTU is at most 65535, plus the link header).
constexpr size_t kMaxFrame = 65535 + 64;

class TapHandle : public Napi::ObjectWrap<TapHandle> {
 public:
  static Napi::Function Init(Napi::Env env) {
    return DefineClass(env, "TapHandle",
                       {
                           InstanceMethod<&TapHandle::Start>("start"),
                           InstanceMethod<&TapHandle::Stop>("stop"),
                           InstanceMethod<&TapHandle::SetWantWritable>("setWantWritable"),
                           InstanceMethod<&TapHandle::Post>("post"),
                           InstanceMethod<&TapHandle::WriteFrames>("writeFrames"),
                           InstanceMethod<&TapHandle::Info>("info"),
                           InstanceMethod<&TapHandle::SetMtu>("setMtu"),
                           InstanceMethod<&TapHandle::SetHardwareAddress>("setHardwareAddress"),
                           InstanceMethod<&TapHandle::SetUp>("setUp"),
                           InstanceMethod<&TapHandle::SetRef>("setRef"),
                           InstanceMethod<&TapHandle::Close>("close"),
                       });
  }

  // new TapHandle({ name, create, netns, scratch, rxLengths, rxStarts, rxRooms, txStarts,
  //                 txLengths, status, onRead, onWritable, onError })
  explicit TapHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TapHandle>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsObject()) {
      ThrowType(env, "TapHandle: an options object is required");
      return;
    }
    Napi::Object o = info[0].As<Napi::Object>();
    std::string name = o.Get("name").IsString() ? o.Get("name").As<Napi::String>().Utf8Value() : "";
    bool create = o.Get("create").ToBoolean().Value();
    std::string netns =
        o.Get("netns").IsString() ? o.Get("netns").As<Napi::String>().Utf8Value() : "";
    if (name.size() >= IFNAMSIZ) {
      ThrowType(env, "TapHandle: interface name longer than 15 bytes");
      return;
    }
    if (!create && name.empty()) {
      ThrowType(env, "TapHandle: a name is required to attach to an existing TAP");
      return;
    }
    Napi::Value scratch = o.Get("scratch"), st = o.Get("status");
    Napi::Value onRead = o.Get("onRead"), onWritable = o.Get("onWritable"),
                onError = o.Get("onError");
    if (!scratch.IsArrayBuffer() || !st.IsTypedArray() || !onRead.IsFunction() ||
        !onWritable.IsFunction() || !onError.IsFunction()) {
      ThrowType(env, "TapHandle: missing buffers or callbacks");
      return;
    }
    uint32_t* arrays[5];
    size_t lengths[5];
    const char* names[5] = {"rxLengths", "rxStarts", "rxRooms", "txStarts", "txLengths"};
    keep_ = Napi::Persistent(Napi::Object::New(env));
    for (int i = 0; i < 5; i++) {
      Napi::Value v = o.Get(names[i]);
      if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array) {
        ThrowType(env, std::string("TapHandle: ") + names[i] + " must be a Uint32Array");
        return;
      }
      arrays[i] = v.As<Napi::Uint32Array>().Data();
      lengths[i] = v.As<Napi::Uint32Array>().ElementLength();
      keep_.Set(names[i], v);
    }
    Napi::TypedArray stT = st.As<Napi::TypedArray>();
    if (stT.TypedArrayType() != napi_int32_array || stT.ElementLength() < kStatusLength) {
      ThrowType(env, "TapHandle: status must be an Int32Array(8)");
      return;
    }
    batch_ = static_cast<uint32_t>(lengths[0]);
    for (int i = 1; i < 5; i++) {
      if (lengths[i] != batch_) batch_ = 0;
    }
    Napi::ArrayBuffer scratchB = scratch.As<Napi::ArrayBuffer>();
    if (batch_ == 0 || scratchB.ByteLength() < kMaxFrame) {
      ThrowType(env, "TapHandle: the Uint32Arrays must share one non-zero length; scratch too small");
      return;
    }
    scratch_ = static_cast<uint8_t*>(scratchB.Data());
    scratchLen_ = scratchB.ByteLength();
    rxLens_ = arrays[0];
    rxStarts_ = arrays[1];
    rxRooms_ = arrays[2];
    txStarts_ = arrays[3];
    txLens_ = arrays[4];
    status_ = st.As<Napi::Int32Array>().Data();
    slots_.resize(batch_);
    keep_.Set("scratch", scratch);
    keep_.Set("status", st);
    onRead_ = Napi::Persistent(onRead.As<Napi::Function>());
    onWritable_ = Napi::Persistent(onWritable.As<Napi::Function>());
    onError_ = Napi::Persistent(onError.As<Napi::Function>());

    std::string what;
    int err = InNetns(netns, &what, [&]() -> int {
      if (!create && if_nametoindex(name.c_str()) == 0) {
        what = "no TAP device named " + name;
        return ENODEV;
      }
      int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
      if (fd < 0) {
        what = "open /dev/net/tun";
        return errno;
      }
      struct ifreq ifr;
      memset(&ifr, 0, sizeof ifr);
      ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
      memcpy(ifr.ifr_name, name.data(), name.size());
      if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        int e = errno;
        close(fd);
        what = "TUNSETIFF " + (name.empty() ? std::string("(new)") : name);
        return e;
      }
      // The control socket lives in the TAP's namespace for as long as it exists.
      int ctl = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      if (ctl < 0) ctl = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      if (ctl < 0) {
        int e = errno;
        close(fd);
        what = "control socket";
        return e;
      }
      fd_ = fd;
      ctl_ = ctl;
      return 0;
    });
    if (err != 0) {
      ThrowErrno(env, what, err);
      return;
    }
    actx_ = std::make_unique<Napi::AsyncContext>(env, "StackTapDriver");
    napi_add_env_cleanup_hook(env, &TapHandle::CleanupHook, this);
    hookAdded_ = true;
  }

  ~TapHandle() override { CloseAll(false); }

 private:
  static void CleanupHook(void* arg) {
    TapHandle* self = static_cast<TapHandle*>(arg);
    self->hookAdded_ = false;  // the environment removes it itself
    self->CloseAll(true);
  }

  static void OnClosed(uv_handle_t* h) { delete reinterpret_cast<uv_poll_t*>(h); }

  // Stops polling first, then closes the poll handle, then the descriptors.
  void CloseAll(bool fromHook) {
    if (closed_) return;
    closed_ = true;
    if (poll_ != nullptr) {
      uv_poll_stop(poll_);
      uv_close(reinterpret_cast<uv_handle_t*>(poll_), &TapHandle::OnClosed);
      poll_ = nullptr;
    }
    if (fd_ >= 0) close(fd_);
    if (ctl_ >= 0) close(ctl_);
    fd_ = ctl_ = -1;
    for (RxSlot& slot : slots_) slot = RxSlot();
    if (hookAdded_ && !fromHook) {
      napi_remove_env_cleanup_hook(Env(), &TapHandle::CleanupHook, this);
      hookAdded_ = false;
    }
    if (pinned_ && !fromHook) {
      pinned_ = false;
      Unref();
    }
  }

  bool EnsurePoll(Napi::Env env) {
    if (poll_ != nullptr) return true;
    uv_loop_t* loop = nullptr;
    if (napi_get_uv_event_loop(env, &loop) != napi_ok || loop == nullptr) {
      Napi::Error::New(env, "TapHandle: no event loop").ThrowAsJavaScriptException();
      return false;
    }
    uv_poll_t* p = new uv_poll_t;
    int r = uv_poll_init(loop, p, fd_);
    if (r < 0) {
      delete p;
      ThrowErrno(env, "uv_poll_init", -r);
      return false;
    }
    p->data = this;
    poll_ = p;
    if (!refed_) uv_unref(reinterpret_cast<uv_handle_t*>(p));
    // The JavaScript object must outlive an active poll handle.
    if (!pinned_) {
      pinned_ = true;
      Ref();
    }
    return true;
  }

  void UpdatePoll() {
    if (poll_ == nullptr || closed_) return;
    int events = (reading_ ? UV_READABLE : 0) | (wantWrite_ ? UV_WRITABLE : 0);
    if (events == 0)
      uv_poll_stop(poll_);
    else
      uv_poll_start(poll_, events, &TapHandle::OnPoll);
  }

  static void OnPoll(uv_poll_t* h, int status, int events) {
    TapHandle* self = static_cast<TapHandle*>(h->data);
    if (self == nullptr || self->closed_) return;
    if (status < 0) {
      self->reading_ = self->wantWrite_ = false;
      self->UpdatePoll();
      self->CallJs(self->onError_, -status);
      return;
    }
    if ((events & UV_READABLE) && self->reading_) self->DoRead();
    if ((events & UV_WRITABLE) && !self->closed_ && self->wantWrite_) self->CallJs(self->onWritable_, -1);
  }

  // Reads what the device has, straight into the posted buffers, then makes one callback.
  void DoRead() {
    uint32_t head = static_cast<uint32_t>(status_[kRxHead]);
    uint32_t posted = static_cast<uint32_t>(status_[kRxPosted]);
    if (head >= batch_ || posted > batch_) posted = 0;  // never trust shared memory blindly
    uint32_t n = 0;
    int err = 0;
    if (posted == 0) {
      // Nowhere to put frames: drain a batch into the scratch area, count them, and let
      // JavaScript try to post buffers again.
      uint32_t dropped = 0;
      while (dropped < batch_) {
        long r = syscall(SYS_read, fd_, scratch_, scratchLen_);
        if (r > 0) {
          dropped++;
          continue;
        }
        if (r < 0 && errno == EINTR) continue;
        if (r < 0 && errno != EAGAIN) err = errno;
        break;
      }
      status_[kRxDropped] += static_cast<int32_t>(dropped);
      if (dropped > 0) CallJs(onRead_, 0);
    } else {
      struct iovec iov[2];
      iov[1].iov_base = scratch_;
      iov[1].iov_len = scratchLen_;
      uint32_t slot = head;
      while (n < posted) {
        const RxSlot& s = slots_[slot];
        iov[0].iov_base = s.data;
        iov[0].iov_len = s.room;
        long r = syscall(SYS_readv, fd_, iov, 2);
        if (r > 0) {
          rxLens_[n++] = static_cast<uint32_t>(r);
          // The tail of a frame larger than its buffer is in the scratch area: stop here so the
          // next frame does not overwrite it before JavaScript has joined the two parts.
          if (static_cast<unsigned long>(r) > s.room) break;
          if (++slot == batch_) slot = 0;
          continue;
        }
        if (r < 0 && errno == EINTR) continue;
        if (r < 0 && errno != EAGAIN) err = errno;
        break;
      }
      if (n > 0) CallJs(onRead_, static_cast<int>(n));
    }
    if (err != 0 && !closed_) {
      reading_ = wantWrite_ = false;
      UpdatePoll();
      CallJs(onError_, err);
    }
  }

  void CallJs(Napi::FunctionReference& fn, int arg) {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    napi_value argv[1];
    size_t argc = 0;
    if (arg >= 0) argv[argc++] = Napi::Number::New(env, arg);
    napi_value result;
    napi_status s = napi_make_callback(env, actx_->operator napi_async_context(), Value(), fn.Value(),
                                       argc, argv, &result);
    if (s != napi_ok) {
      bool pending = false;
      napi_is_exception_pending(env, &pending);
      if (pending) {
        napi_value exc;
        napi_get_and_clear_last_exception(env, &exc);
        napi_fatal_exception(env, exc);
      }
    }
  }

  // The bytes of a Uint8Array argument, or nullptr (and length 0) for anything else.
  static uint8_t* BytesOf(napi_env env, napi_value v, size_t* length) {
    napi_typedarray_type type;
    void* data = nullptr;
    *length = 0;
    if (napi_get_typedarray_info(env, v, &type, length, &data, nullptr, nullptr) != napi_ok ||
        type != napi_uint8_array) {
      *length = 0;
      return nullptr;
    }
    return static_cast<uint8_t*>(data);
  }

  // start(): begin reading (poll for readability).
  Napi::Value Start(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (closed_) return ThrowErrno(env, "start", EBADF);
    if (!EnsurePoll(env)) return env.Undefined();
    reading_ = true;
    UpdatePoll();
    return env.Undefined();
  }

  // stop(): stop polling in both directions (the first step of closing). The descriptor stays
  // open, so frames can still be written without waiting.
  Napi::Value Stop(const Napi::CallbackInfo& info) {
    reading_ = wantWrite_ = false;
    UpdatePoll();
    return info.Env().Undefined();
  }

  // setWantWritable(on): also wake (and call onWritable) when the descriptor is writable.
  Napi::Value SetWantWritable(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (closed_) return env.Undefined();
    bool on = info[0].ToBoolean().Value();
    if (on == wantWrite_) return env.Undefined();
    if (!EnsurePoll(env)) return env.Undefined();
    wantWrite_ = on;
    UpdatePoll();
    return env.Undefined();
  }

  // post(first, count, ...buffers): post receive buffers into slots first, first+1, ... (modulo
  // the batch size). Frame k of slot s goes to buffers[k] at rxStarts[s], at most rxRooms[s] bytes.
  // JavaScript keeps every posted buffer alive and untouched until a callback hands it back.
  Napi::Value Post(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (closed_) return env.Undefined();
    uint32_t first = info[0].As<Napi::Number>().Uint32Value();
    uint32_t count = info[1].As<Napi::Number>().Uint32Value();
    if (first >= batch_ || count > batch_ || info.Length() < 2 + static_cast<size_t>(count)) {
      Napi::RangeError::New(env, "post: out of range").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    uint32_t slot = first;
    for (uint32_t i = 0; i < count; i++) {
      size_t length = 0;
      uint8_t* data = BytesOf(env, info[2 + i], &length);
      uint32_t start = rxStarts_[slot], room = rxRooms_[slot];
      if (data == nullptr || room == 0 || start > length || room > length - start) {
        Napi::RangeError::New(env, "post: a buffer is not a Uint8Array or is smaller than its room")
            .ThrowAsJavaScriptException();
        return env.Undefined();
      }
      slots_[slot].data = data + start;
      slots_[slot].room = room;
      if (++slot == batch_) slot = 0;
    }
    return env.Undefined();
  }

  // writeFrames(count, ...buffers): write frame i from buffers[i] at txStarts[i], txLengths[i]
  // bytes, for i in [0, count). Returns how many frames were consumed (written, or failed with an
  // error other than EAGAIN); stops early only on EAGAIN. A frame that failed has its txLengths
  // entry set to 0. status: [kTxFailed] frames that failed, [kLastErrno], [kTxBytes] bytes written.
  Napi::Value WriteFrames(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (closed_) return ThrowErrno(env, "writeFrames", EBADF);
    uint32_t count = info[0].As<Napi::Number>().Uint32Value();
    if (count > batch_ || info.Length() < 1 + static_cast<size_t>(count)) {
      Napi::RangeError::New(env, "writeFrames: out of range").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    uint32_t done = 0;
    int32_t failed = 0, lastErr = 0;
    int64_t bytes = 0;
    while (done < count) {
      size_t length = 0;
      uint8_t* data = BytesOf(env, info[1 + done], &length);
      uint32_t start = txStarts_[done], len = txLens_[done];
      if (data == nullptr || start > length || len > length - start) {
        failed++;
        lastErr = EINVAL;
        txLens_[done++] = 0;
        continue;
      }
      long r = syscall(SYS_write, fd_, data + start, len);
      if (r < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN) break;
        failed++;
        lastErr = errno;
        txLens_[done] = 0;
      } else {
        bytes += r;
      }
      done++;
    }
    status_[kTxFailed] = failed;
    if (failed > 0) status_[kLastErrno] = lastErr;
    status_[kTxBytes] = static_cast<int32_t>(bytes > INT32_MAX ? INT32_MAX : bytes);
    return Napi::Number::New(env, done);
  }

  bool CurrentName(struct ifreq* ifr) {
    memset(ifr, 0, sizeof *ifr);
    return ioctl(fd_, TUNGETIFF, ifr) == 0;
  }

  // info(): { name, ifindex, flags, mtu, mac }
  Napi::Value Info(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (closed_) return ThrowErrno(env, "info", EBADF);
    struct ifreq ifr;
    if (!CurrentName(&ifr)) return ThrowErrno(env, "TUNGETIFF", errno);
    char name[IFNAMSIZ];
    memcpy(name, ifr.ifr_name, IFNAMSIZ);
    name[IFNAMSIZ - 1] = 0;
    Napi::Object out = Napi::Object::New(env);
    out.Set("name", Napi::String::New(env, name));
    if (ioctl(ctl_, SIOCGIFINDEX, &ifr) < 0) return ThrowErrno(env, "SIOCGIFINDEX", errno);
    out.Set("ifindex", Napi::Number::New(env, ifr.ifr_ifindex));
    if (ioctl(ctl_, SIOCGIFFLAGS, &ifr) < 0) return ThrowErrno(env, "SIOCGIFFLAGS", errno);
    out.Set("flags", Napi::Number::New(env, static_cast<uint16_t>(ifr.ifr_flags)));
    if (ioctl(ctl_, SIOCGIFMTU, &ifr) < 0) return ThrowErrno(env, "SIOCGIFMTU", errno);
    out.Set("mtu", Napi::Number::New(env, ifr.ifr_mtu));
    if (ioctl(ctl_, SIOCGIFHWADDR, &ifr) < 0) return ThrowErrno(env, "SIOCGIFHWADDR", errno);
    Napi::Uint8Array mac = Napi::Uint8Array::New(env, 6);
    memcpy(mac.Data(), ifr.ifr_hwaddr.sa_data, 6);
    out.Set("mac", mac);
    return out;
  }

  Napi::Value SetMtu(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (closed_) return ThrowErrno(env, "setMtu", EBADF);
    struct ifreq ifr;
    if (!CurrentName(&ifr)) return ThrowErrno(env, "TUNGETIFF", errno);
    ifr.ifr_mtu = info[0].As<Napi::Number>().Int32Value();
    if (ioctl(ctl_, SIOCSIFMTU, &ifr) < 0) return ThrowErrno(env, "SIOCSIFMTU", errno);
    return env.Undefined();
  }

  Napi::Value SetHardwareAddress(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (closed_) return ThrowErrno(env, "setHardwareAddress", EBADF);
    if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array ||
        info[0].As<Napi::Uint8Array>().ElementLength() != 6)
      return ThrowType(env, "setHardwareAddress: a Uint8Array of 6 bytes is required");
    struct ifreq ifr;
    if (!CurrentName(&ifr)) return ThrowErrno(env, "TUNGETIFF", errno);
    ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
    memcpy(ifr.ifr_hwaddr.sa_data, info[0].As<Napi::Uint8Array>().Data(), 6);
    if (ioctl(ctl_, SIOCSIFHWADDR, &ifr) < 0) return ThrowErrno(env, "SIOCSIFHWADDR", errno);
    return env.Undefined();
  }

  // setUp(up): set or clear the administrative IFF_UP flag.
  Napi::Value SetUp(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (closed_) return ThrowErrno(env, "setUp", EBADF);
    struct ifreq ifr;
    if (!CurrentName(&ifr)) return ThrowErrno(env, "TUNGETIFF", errno);
    if (ioctl(ctl_, SIOCGIFFLAGS, &ifr) < 0) return ThrowErrno(env, "SIOCGIFFLAGS", errno);
    if (info[0].ToBoolean().Value())
      ifr.ifr_flags |= IFF_UP;
    else
      ifr.ifr_flags &= ~IFF_UP;
    if (ioctl(ctl_, SIOCSIFFLAGS, &ifr) < 0) return ThrowErrno(env, "SIOCSIFFLAGS", errno);
    return env.Undefined();
  }

  // setRef(on): whether an active handle keeps the event loop alive (like socket.ref/unref).
  Napi::Value SetRef(const Napi::CallbackInfo& info) {
    refed_ = info[0].ToBoolean().Value();
    if (poll_ != nullptr) {
      if (refed_)
        uv_ref(reinterpret_cast<uv_handle_t*>(poll_));
      else
        uv_unref(reinterpret_cast<uv_handle_t*>(poll_));
    }
    return info.Env().Undefined();
  }

  // close(): stop polling, close the poll handle, close the descriptor. Safe to call twice.
  Napi::Value Close(const Napi::CallbackInfo& info) {
    CloseAll(false);
    return info.Env().Undefined();
  }

  int fd_ = -1;
  int ctl_ = -1;
  uv_poll_t* poll_ = nullptr;
  bool reading_ = false;
  bool wantWrite_ = false;
  bool closed_ = false;
  bool refed_ = true;
  bool pinned_ = false;
  bool hookAdded_ = false;
  uint32_t batch_ = 0;
  std::vector<RxSlot> slots_;
  uint8_t* scratch_ = nullptr;
  size_t scratchLen_ = 0;
  uint32_t* rxLens_ = nullptr;
  uint32_t* rxStarts_ = nullptr;
  uint32_t* rxRooms_ = nullptr;
  uint32_t* txStarts_ = nullptr;
  uint32_t* txLens_ = nullptr;
  int32_t* status_ = nullptr;
  Napi::ObjectReference keep_;
  Napi::FunctionReference onRead_, onWritable_, onError_;
  std::unique_ptr<Napi::AsyncContext> actx_;
};

Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  exports.Set("TapHandle", TapHandle::Init(env));
  exports.Set("IFF_UP", Napi::Number::New(env, IFF_UP));
  exports.Set("IFF_RUNNING", Napi::Number::New(env, IFF_RUNNING));
  return exports;
}

}  // namespace

NODE_API_MODULE(tap, InitModule)
