#include "hector/server/cards.hpp"

#include <boost/json/array.hpp>

#include "hector/common/strings.hpp"

namespace hector::server {

namespace json = boost::json;

namespace {

json::array strings(const std::vector<std::string>& v) {
    json::array a;
    for (const auto& s : v) a.push_back(json::string(s));
    return a;
}

}  // namespace

json::object agent_card(const std::string& id, const config::AgentConfig& agent, const std::string& base,
                        bool auth_active) {
    const std::string url = base + "/agents/" + percent_encode(id);
    json::array skills;
    if (agent.skills.empty()) {
        skills.push_back(json::object{{"id", id},
                                      {"name", agent.name},
                                      {"description", agent.description},
                                      {"tags", json::array{"general", "assistant"}}});
    } else {
        for (const auto& s : agent.skills) {
            json::object skill{{"id", s.id.empty() ? id : s.id},
                               {"name", s.name.empty() ? (s.id.empty() ? agent.name : s.id) : s.name},
                               {"description", s.description.empty() ? agent.description : s.description},
                               {"tags", strings(s.tags)}};
            if (!s.examples.empty()) skill["examples"] = strings(s.examples);
            if (!s.input_modes.empty()) skill["inputModes"] = strings(s.input_modes);
            if (!s.output_modes.empty()) skill["outputModes"] = strings(s.output_modes);
            skills.push_back(std::move(skill));
        }
    }
    json::object card{
        {"protocolVersion", "0.3.0"},
        {"name", agent.name},
        {"description", agent.description},
        {"url", url},
        {"version", agent.version.empty() ? "1.0.0" : agent.version},
        {"preferredTransport", "JSONRPC"},
        {"additionalInterfaces", json::array{json::object{{"url", url}, {"transport", "JSONRPC"}}}},
        {"provider", json::object{{"organization", "Hector"}, {"url", "https://github.com/verikod/hector"}}},
        {"capabilities",
         json::object{{"streaming", true}, {"pushNotifications", true}, {"stateTransitionHistory", false}}},
        {"defaultInputModes", strings(agent.input_modes)},
        {"defaultOutputModes", strings(agent.output_modes)},
        {"skills", std::move(skills)},
        {"supportsAuthenticatedExtendedCard", false},
    };
    if (auth_active) {
        card["securitySchemes"] =
            json::object{{"BearerAuth", json::object{{"type", "http"}, {"scheme", "bearer"}, {"bearerFormat", "JWT"}}}};
        card["security"] = json::array{json::object{{"BearerAuth", json::array{}}}};
    }
    return card;
}

}  // namespace hector::server
