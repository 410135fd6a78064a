// @stack/tap-driver native part: one Linux TAP device per TapHandle.
//
// The descriptor is non-blocking and watched by a libuv poll handle on the JavaScript thread; no
// thread-pool thread is ever used. On a readable wake, frames are read until EAGAIN (or until the
// batch or the receive slab is full) into a slab owned by JavaScript, their lengths go to a shared
// Uint32Array, and ONE JavaScript callback gets the count. Transmission is the mirror image:
// JavaScript packs frames back to back into a shared transmit slab, writes their lengths into a
// shared Uint32Array and calls writeBatch() once; each write() is one frame, as a TAP requires.
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
#include <unistd.h>

#include <memory>
#include <string>

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

class TapHandle : public Napi::ObjectWrap<TapHandle> {
 public:
  static Napi::Function Init(Napi::Env env) {
    return DefineClass(env, "TapHandle",
                       {
                           InstanceMethod<&TapHandle::Start>("start"),
                           InstanceMethod<&TapHandle::SetWantWritable>("setWantWritable"),
                           InstanceMethod<&TapHandle::WriteBatch>("writeBatch"),
                           InstanceMethod<&TapHandle::Info>("info"),
                           InstanceMethod<&TapHandle::SetMtu>("setMtu"),
                           InstanceMethod<&TapHandle::SetHardwareAddress>("setHardwareAddress"),
                           InstanceMethod<&TapHandle::SetUp>("setUp"),
                           InstanceMethod<&TapHandle::SetRef>("setRef"),
                           InstanceMethod<&TapHandle::Close>("close"),
                       });
  }

  // new TapHandle({ name, create, netns, rxBuffer, rxLengths, rxSlot, txBuffer, txLengths,
  //                 status, onRead, onWritable, onError })
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
    Napi::Value rxb = o.Get("rxBuffer"), rxl = o.Get("rxLengths"), txb = o.Get("txBuffer"),
                txl = o.Get("txLengths"), st = o.Get("status");
    Napi::Value onRead = o.Get("onRead"), onWritable = o.Get("onWritable"),
                onError = o.Get("onError");
    if (!rxb.IsArrayBuffer() || !txb.IsArrayBuffer() || !rxl.IsTypedArray() ||
        !txl.IsTypedArray() || !st.IsTypedArray() || !onRead.IsFunction() ||
        !onWritable.IsFunction() || !onError.IsFunction()) {
      ThrowType(env, "TapHandle: missing buffers or callbacks");
      return;
    }
    Napi::TypedArray rxlT = rxl.As<Napi::TypedArray>(), txlT = txl.As<Napi::TypedArray>(),
                     stT = st.As<Napi::TypedArray>();
    if (rxlT.TypedArrayType() != napi_uint32_array || txlT.TypedArrayType() != napi_uint32_array ||
        stT.TypedArrayType() != napi_int32_array || stT.ElementLength() < 4) {
      ThrowType(env, "TapHandle: lengths must be Uint32Array and status an Int32Array(4)");
      return;
    }
    Napi::ArrayBuffer rxB = rxb.As<Napi::ArrayBuffer>(), txB = txb.As<Napi::ArrayBuffer>();
    rx_ = static_cast<uint8_t*>(rxB.Data());
    rxCap_ = rxB.ByteLength();
    rxLens_ = rxl.As<Napi::Uint32Array>().Data();
    rxBatch_ = static_cast<uint32_t>(rxlT.ElementLength());
    rxSlot_ = o.Get("rxSlot").IsNumber() ? o.Get("rxSlot").As<Napi::Number>().Uint32Value() : 0;
    if (rxSlot_ < 64) rxSlot_ = 64;
    tx_ = static_cast<uint8_t*>(txB.Data());
    txCap_ = txB.ByteLength();
    txLens_ = txl.As<Napi::Uint32Array>().Data();
    txLensLen_ = txlT.ElementLength();
    status_ = st.As<Napi::Int32Array>().Data();
    if (rxCap_ < rxSlot_ || rxBatch_ == 0 || txCap_ == 0 || txLensLen_ == 0) {
      ThrowType(env, "TapHandle: buffers too small");
      return;
    }
    keep_ = Napi::Persistent(Napi::Object::New(env));
    keep_.Set("rxBuffer", rxb);
    keep_.Set("rxLengths", rxl);
    keep_.Set("txBuffer", txb);
    keep_.Set("txLengths", txl);
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
    if (events & UV_READABLE) self->DoRead();
    if ((events & UV_WRITABLE) && !self->closed_ && self->wantWrite_) self->CallJs(self->onWritable_, -1);
  }

  void DoRead() {
    uint32_t n = 0;
    size_t off = 0;
    int err = 0;
    // status[3], when set, overrides the slot size (JavaScript raises it when the MTU grows).
    size_t slot = status_[3] > 0 ? static_cast<size_t>(status_[3]) : rxSlot_;
    if (slot > rxCap_) slot = rxCap_;
    while (n < rxBatch_ && rxCap_ - off >= slot) {
      ssize_t r = read(fd_, rx_ + off, rxCap_ - off);
      if (r > 0) {
        rxLens_[n++] = static_cast<uint32_t>(r);
        off += static_cast<size_t>(r);
        continue;
      }
      if (r < 0 && errno == EINTR) continue;
      if (r < 0 && errno != EAGAIN) err = errno;
      break;
    }
    if (n > 0) CallJs(onRead_, static_cast<int>(n));
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

  // start(): begin reading (poll for readability).
  Napi::Value Start(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (closed_) return ThrowErrno(env, "start", EBADF);
    if (!EnsurePoll(env)) return env.Undefined();
    reading_ = true;
    UpdatePoll();
    return env.Undefined();
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

  // writeBatch(first, count, byteOffset): write frames txLengths[first .. first+count) which lie
  // back to back in the transmit slab from byteOffset. Returns how many frames were consumed
  // (written, or failed with an error other than EAGAIN); stops early only on EAGAIN.
  // status[0] = frames that failed, status[1] = last errno, status[2] = bytes written.
  Napi::Value WriteBatch(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (closed_) return ThrowErrno(env, "writeBatch", EBADF);
    uint32_t first = info[0].As<Napi::Number>().Uint32Value();
    uint32_t count = info[1].As<Napi::Number>().Uint32Value();
    size_t off = static_cast<size_t>(info[2].As<Napi::Number>().Int64Value());
    if (static_cast<size_t>(first) + count > txLensLen_ || off > txCap_) {
      Napi::RangeError::New(env, "writeBatch: out of range").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    uint32_t done = 0;
    int32_t failed = 0, lastErr = 0;
    int64_t bytes = 0;
    while (done < count) {
      uint32_t len = txLens_[first + done];
      if (len > txCap_ - off) {
        Napi::RangeError::New(env, "writeBatch: frame beyond the slab").ThrowAsJavaScriptException();
        return env.Undefined();
      }
      ssize_t r = write(fd_, tx_ + off, len);
      if (r < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN) break;
        failed++;
        lastErr = errno;
      } else {
        bytes += r;
      }
      off += len;
      done++;
    }
    status_[0] = failed;
    status_[1] = lastErr;
    status_[2] = static_cast<int32_t>(bytes > INT32_MAX ? INT32_MAX : bytes);
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
  uint8_t* rx_ = nullptr;
  size_t rxCap_ = 0;
  uint32_t* rxLens_ = nullptr;
  uint32_t rxBatch_ = 0;
  uint32_t rxSlot_ = 0;
  uint8_t* tx_ = nullptr;
  size_t txCap_ = 0;
  uint32_t* txLens_ = nullptr;
  size_t txLensLen_ = 0;
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
