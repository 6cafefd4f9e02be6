#include "backup/offsite.h"

#include <curl/curl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>

#include "backup/file_system.h"

namespace salesdb::backup {
namespace {

struct CurlHandle {
  CURL* h = curl_easy_init();
  ~CurlHandle() { curl_easy_cleanup(h); }
};

struct HeaderList {
  curl_slist* list = nullptr;
  ~HeaderList() { curl_slist_free_all(list); }
  void Add(const std::string& h) { list = curl_slist_append(list, h.c_str()); }
};

size_t CollectBody(char* p, size_t size, size_t n, void* user) {
  auto* out = static_cast<std::string*>(user);
  if (out->size() < (4 << 20)) out->append(p, size * n);
  return size * n;
}

std::string XmlUnescape(std::string s) {
  const std::pair<const char*, const char*> kEntities[] = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}};
  for (const auto& [from, to] : kEntities) {
    for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += std::strlen(to)) {
      s.replace(pos, std::strlen(from), to);
    }
  }
  return s;
}

class S3Target final : public OffsiteTarget {
 public:
  explicit S3Target(OffsiteSettings s) : s_(std::move(s)) {
    while (!s_.s3_endpoint.empty() && s_.s3_endpoint.back() == '/') s_.s3_endpoint.pop_back();
  }
  std::string name() const override { return "s3"; }

  Status Put(const std::string& local_path, const std::string& name) override {
    std::FILE* f = std::fopen(local_path.c_str(), "rb");
    if (!f) return NotFound("cannot open " + local_path);
    struct stat st {};
    ::fstat(fileno(f), &st);
    CurlHandle c;
    HeaderList headers;
    headers.Add("x-amz-content-sha256: UNSIGNED-PAYLOAD");
    headers.Add("Content-Type: application/octet-stream");
    std::string body;
    Prepare(c.h, ObjectUrl(name), headers, &body);
    curl_easy_setopt(c.h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c.h, CURLOPT_READDATA, f);
    curl_easy_setopt(c.h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(st.st_size));
    Status result = Perform(c.h, "PUT " + name, body);
    std::fclose(f);
    RETURN_IF_ERROR(result);
    // Confirm: the stored object answers HEAD with the size we sent.
    CurlHandle h;
    HeaderList head_headers;
    head_headers.Add("x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    std::string ignored;
    Prepare(h.h, ObjectUrl(name), head_headers, &ignored);
    curl_easy_setopt(h.h, CURLOPT_NOBODY, 1L);
    RETURN_IF_ERROR(Perform(h.h, "HEAD " + name, ignored));
    curl_off_t length = -1;
    curl_easy_getinfo(h.h, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
    if (length != static_cast<curl_off_t>(st.st_size)) {
      return Unavailable("S3 holds " + std::to_string(length) + " bytes of " + name + ", expected " +
                         std::to_string(st.st_size));
    }
    return Status::Ok();
  }

  StatusOr<std::vector<std::string>> List() override {
    std::vector<std::string> names;
    std::string token;
    for (int page = 0; page < 1000; ++page) {
      CurlHandle c;
      HeaderList headers;
      headers.Add("x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
      std::string url = s_.s3_endpoint + "/" + s_.s3_bucket + "?list-type=2&prefix=" + Escape(c.h, s_.s3_prefix);
      if (!token.empty()) url += "&continuation-token=" + Escape(c.h, token);
      std::string body;
      Prepare(c.h, url, headers, &body);
      RETURN_IF_ERROR(Perform(c.h, "list", body));
      static const std::regex kKey("<Key>([^<]*)</Key>");
      for (auto it = std::sregex_iterator(body.begin(), body.end(), kKey); it != std::sregex_iterator(); ++it) {
        std::string key = XmlUnescape((*it)[1].str());
        if (key.rfind(s_.s3_prefix, 0) == 0) names.push_back(key.substr(s_.s3_prefix.size()));
      }
      static const std::regex kNext("<NextContinuationToken>([^<]*)</NextContinuationToken>");
      std::smatch m;
      if (body.find("<IsTruncated>true</IsTruncated>") == std::string::npos || !std::regex_search(body, m, kNext)) {
        break;
      }
      token = XmlUnescape(m[1].str());
    }
    return names;
  }

  Status Delete(const std::string& name) override {
    CurlHandle c;
    HeaderList headers;
    headers.Add("x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    std::string body;
    Prepare(c.h, ObjectUrl(name), headers, &body);
    curl_easy_setopt(c.h, CURLOPT_CUSTOMREQUEST, "DELETE");
    return Perform(c.h, "DELETE " + name, body);
  }

 private:
  static std::string Escape(CURL* h, const std::string& s) {
    char* e = curl_easy_escape(h, s.c_str(), static_cast<int>(s.size()));
    std::string out = e ? e : "";
    curl_free(e);
    return out;
  }

  std::string ObjectUrl(const std::string& name) const {
    CurlHandle c;
    std::string key = s_.s3_prefix + name;
    std::string path;
    size_t start = 0;
    // Escape each segment, keep the slashes of the prefix.
    for (;;) {
      size_t slash = key.find('/', start);
      path += Escape(c.h, key.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
      if (slash == std::string::npos) break;
      path += "/";
      start = slash + 1;
    }
    return s_.s3_endpoint + "/" + s_.s3_bucket + "/" + path;
  }

  void Prepare(CURL* h, const std::string& url, HeaderList& headers, std::string* body) const {
    std::string sigv4 = "aws:amz:" + s_.s3_region + ":s3";
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_AWS_SIGV4, sigv4.c_str());
    curl_easy_setopt(h, CURLOPT_USERNAME, s_.s3_access_key.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, s_.s3_secret_key.c_str());
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.list);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, CollectBody);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, static_cast<long>(s_.timeout_seconds));
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    // libcurl verifies by default; say so here so that no later edit turns it off unnoticed.
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(h, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    if (!s_.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, s_.ca_file.c_str());
  }

  Status Perform(CURL* h, const std::string& what, const std::string& body) const {
    char error[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
    CURLcode rc = curl_easy_perform(h);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
    if (rc != CURLE_OK) {
      return Unavailable("S3 " + what + ": " + curl_easy_strerror(rc) + (*error ? std::string(" (") + error + ")" : ""));
    }
    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    if (code < 200 || code >= 300) {
      return Unavailable("S3 " + what + ": HTTP " + std::to_string(code) + " " + body.substr(0, 300));
    }
    return Status::Ok();
  }

  OffsiteSettings s_;
};

class CopyDirTarget final : public OffsiteTarget {
 public:
  explicit CopyDirTarget(std::string dir) : dir_(std::move(dir)) {}
  std::string name() const override { return "copy_dir"; }

  Status Put(const std::string& local_path, const std::string& name) override {
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec) return Unavailable("create " + dir_ + ": " + ec.message());
    std::ifstream in(local_path, std::ios::binary);
    if (!in) return NotFound("cannot open " + local_path);
    std::string target = dir_ + "/" + name;
    std::string tmp = target + ".partial";
    auto file = FileSystem::Posix().Create(tmp, 0600);
    if (!file.ok()) return file.status();
    std::string buf(1 << 20, '\0');
    Status st;
    uint64_t copied = 0;
    while (st.ok() && in) {
      in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      if (in.gcount() <= 0) break;
      copied += static_cast<uint64_t>(in.gcount());
      st = (*file)->Append(std::string_view(buf.data(), static_cast<size_t>(in.gcount())));
    }
    if (st.ok()) st = (*file)->Sync();
    Status closed = (*file)->Close();
    if (st.ok()) st = closed;
    if (st.ok()) st = FileSystem::Posix().Rename(tmp, target);
    if (st.ok()) st = FileSystem::Posix().SyncDir(dir_);
    if (!st.ok()) {
      (void)FileSystem::Posix().Remove(tmp);
      return st;
    }
    if (std::filesystem::file_size(target, ec) != copied) return Unavailable("the copy in " + dir_ + " is incomplete");
    return Status::Ok();
  }

  StatusOr<std::vector<std::string>> List() override {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir_, ec)) {
      std::string n = e.path().filename().string();
      if (n.size() < 8 || n.compare(n.size() - 8, 8, ".partial") != 0) names.push_back(n);
    }
    return names;
  }

  Status Delete(const std::string& name) override { return FileSystem::Posix().Remove(dir_ + "/" + name); }

 private:
  std::string dir_;
};

}  // namespace

std::vector<std::unique_ptr<OffsiteTarget>> MakeOffsiteTargets(const OffsiteSettings& settings) {
  std::vector<std::unique_ptr<OffsiteTarget>> out;
  if (!settings.s3_endpoint.empty() && !settings.s3_bucket.empty()) out.push_back(std::make_unique<S3Target>(settings));
  if (!settings.copy_dir.empty()) out.push_back(std::make_unique<CopyDirTarget>(settings.copy_dir));
  return out;
}

Status WithRetries(const std::function<Status()>& fn, int retries, int64_t backoff_ms,
                   const std::function<void(int64_t)>& sleep_ms) {
  Status last;
  int64_t wait = backoff_ms;
  for (int attempt = 0; attempt <= retries; ++attempt) {
    if (attempt > 0) {
      sleep_ms(wait);
      wait = std::min<int64_t>(wait * 2, 60'000);
    }
    last = fn();
    if (last.ok()) return last;
  }
  return last;
}

}  // namespace salesdb::backup
