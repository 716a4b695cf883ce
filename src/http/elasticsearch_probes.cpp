// What Elasticsearch shippers ask before they send logs: the version (`GET /`), `HEAD /`, the
// license, and the template / ILM / ingest-pipeline / node calls Filebeat and Logstash make at
// start. Answered as an Elasticsearch node would, so they go on to `_bulk`.
#include "vl/http/router.h"

namespace vl::http {

void HandleElasticsearchProbe(const RouterOptions& options, Request& req, BodyReader& body, ResponseWriter& w) {
  if (const insert::Protocol* p = insert::FindProtocol(req.path)) return HandleProtocolInsert(*p, options, req, body, w);
  w.SetHeader("X-Elastic-Product", "Elasticsearch");
  std::string_view rest = std::string_view(req.path).substr(std::string_view("/insert/elasticsearch").size());
  while (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  if (rest.empty()) {
    if (req.method == "HEAD") return w.Send(200, "application/json", "");
    return w.Send(200, "application/json",
                  "{\"name\":\"victoria-logs\",\"cluster_name\":\"victoria-logs\",\"version\":{\"number\":\"" +
                      options.elasticsearch_version + "\",\"build_flavor\":\"default\"},\"tagline\":\"You Know, for Search\"}");
  }
  if (rest.rfind("_license", 0) == 0) {
    return w.Send(200, "application/json",
                  "{\"license\":{\"uid\":\"cbff45e7-c553-41f7-ae4f-9205eabd80xx\",\"type\":\"oss\",\"status\":\"active\","
                  "\"expiry_date_in_millis\":4000000000000}}");
  }
  for (std::string_view stub : {"_ilm/policy", "_index_template", "_ingest", "_nodes", "logstash", "_logstash"}) {
    if (rest.rfind(stub, 0) == 0) return w.Send(200, "application/json", "{}");
  }
  w.Send(400, "text/plain; charset=utf-8", "unsupported path requested: \"" + req.path + "\"\n");
}

}  // namespace vl::http
