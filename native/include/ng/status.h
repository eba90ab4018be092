// Status: how native kernels report failure without exceptions. The binding turns a non-OK status
// into the matching JS error class (IndexError, ShapeError, ...). No N-API here.
#pragma once
#include <string>
#include <utility>

namespace ng {

enum class StatusCode { OK = 0, INDEX_OUT_OF_RANGE, SHAPE_MISMATCH, INVALID_ARGUMENT, INTERNAL };

struct Status {
  StatusCode code = StatusCode::OK;
  std::string op;
  std::string arg;
  std::string message;

  static Status ok() { return {}; }
  static Status error(StatusCode code, std::string op, std::string arg, std::string message) {
    Status s;
    s.code = code;
    s.op = std::move(op);
    s.arg = std::move(arg);
    s.message = std::move(message);
    return s;
  }
  bool is_ok() const { return code == StatusCode::OK; }
};

}  // namespace ng
