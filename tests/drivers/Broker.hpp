// A real mosquitto broker for tests: its configuration written by the test (credentials, an ACL, persistence,
// a TLS listener with keys made by openssl), started on free ports of 127.0.0.1, stopped and restarted.
#pragma once

#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "TempDir.hpp"

namespace citytwin::test {

/// A TCP port nobody listens on now.
inline int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t n = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n);
  ::close(fd);
  return ntohs(a.sin_port);
}

inline bool accepts(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

inline void run_or_throw(const std::string& command) {
  if (std::system((command + " >/dev/null 2>&1").c_str()) != 0) throw std::runtime_error("failed: " + command);
}

/// Users of the test broker (user name = password + "-pw"): `shadow` reads the uplinks and writes alerts,
/// `fleet` writes every device's uplinks, a device (its devEui) writes only its own uplink topic.
class Broker {
 public:
  explicit Broker(bool tls = false) : port_(free_port()), tls_port_(tls ? free_port() : 0) {
    const std::string d = dir_.path.string();
    std::ofstream(d + "/acl") << "user shadow\ntopic read application/#\ntopic readwrite citytwin/#\n\n"
                                 "user fleet\ntopic readwrite application/#\n\n"
                                 "pattern write application/+/device/%u/event/up\n";
    std::ofstream(d + "/passwd") << "";
    for (const char* user : {"shadow", "fleet", "ce01000000000001", "ce01000000000002"})
      run_or_throw("mosquitto_passwd -b " + d + "/passwd " + user + " " + user + "-pw");
    std::string conf = "per_listener_settings false\nallow_anonymous false\npassword_file " + d + "/passwd\nacl_file " + d +
                       "/acl\npersistence true\npersistence_location " + d + "/\nautosave_interval 1\n"
                       "max_queued_messages 0\nmax_inflight_messages 0\nlog_dest file " + d + "/mosquitto.log\n"
                       "log_type error\nlog_type warning\nlog_type notice\n";
    if (passwd* pw = ::getpwuid(::getuid())) conf += std::string("user ") + pw->pw_name + "\n";
    conf += "listener " + std::to_string(port_) + " 127.0.0.1\n";
    if (tls) {
      // A certificate authority and the broker's certificate for 127.0.0.1, signed by it.
      run_or_throw("openssl req -x509 -newkey rsa:2048 -nodes -keyout " + d + "/ca.key -out " + d +
                   "/ca.crt -subj /CN=citytwin-test-ca -days 2");
      run_or_throw("openssl req -newkey rsa:2048 -nodes -keyout " + d + "/server.key -out " + d +
                   "/server.csr -subj /CN=127.0.0.1");
      std::ofstream(d + "/san.ext") << "subjectAltName=IP:127.0.0.1\n";
      run_or_throw("openssl x509 -req -in " + d + "/server.csr -CA " + d + "/ca.crt -CAkey " + d +
                   "/ca.key -CAcreateserial -out " + d + "/server.crt -days 2 -extfile " + d + "/san.ext");
      conf += "listener " + std::to_string(tls_port_) + " 127.0.0.1\ncafile " + d + "/ca.crt\ncertfile " + d +
              "/server.crt\nkeyfile " + d + "/server.key\n";
    }
    std::ofstream(d + "/mosquitto.conf") << conf;
    start();
  }
  ~Broker() { stop(); }
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  void start() {
    pid_ = ::fork();
    if (pid_ == 0) {
      std::string conf = dir_.path.string() + "/mosquitto.conf";
      std::string out = dir_.path.string() + "/stderr.log";
      int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd >= 0) {
        ::dup2(fd, 1);
        ::dup2(fd, 2);
      }
      ::execlp("mosquitto", "mosquitto", "-c", conf.c_str(), static_cast<char*>(nullptr));
      ::execl("/usr/sbin/mosquitto", "mosquitto", "-c", conf.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int i = 0; i < 200; ++i) {
      if (accepts(port_) && (!tls_port_ || accepts(tls_port_))) return;
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    throw std::runtime_error("mosquitto did not start; see " + dir_.path.string() + "/mosquitto.log");
  }
  /// Stops the broker as an administrator would (SIGTERM: it saves its sessions and queued messages).
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  int port() const { return port_; }
  int tls_port() const { return tls_port_; }
  std::string ca_file() const { return dir_.path.string() + "/ca.crt"; }
  /// "mqtt://user:user-pw@127.0.0.1:port/topic".
  std::string url(const std::string& user, const std::string& topic, bool tls = false) const {
    return std::string(tls ? "mqtts://" : "mqtt://") + (user.empty() ? "" : user + ":" + user + "-pw@") +
           "127.0.0.1:" + std::to_string(tls ? tls_port_ : port_) + "/" + topic;
  }

 private:
  TempDir dir_;
  int port_, tls_port_;
  pid_t pid_ = -1;
};

}  // namespace citytwin::test
