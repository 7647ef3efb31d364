// Helpers shared by the API's handler files: JSON in and out, errors, the session's actor.
#pragma once

#include <optional>
#include <string>

#include "core/status.h"
#include "http/message.h"
#include "nlohmann/json.hpp"
#include "services/accounts.h"

namespace zhida::http {

inline constexpr std::string_view kSessionCookie = "zhida_session";

// The error response for `status`, in the request's language; internal errors are logged with
// their detail and answered with a generic message.
Response ErrorFor(const Request& request, const absl::Status& status);
Response Json(int status, const nlohmann::json& body);
// Decodes a JSON request body; 415 when the Content-Type is not JSON (which also keeps simple
// cross-site form posts out), 400 when malformed.
absl::StatusOr<nlohmann::json> ParseBody(const Request& request);
// A positive integer query or path parameter; `fallback` when absent.
absl::StatusOr<int64_t> IntParam(std::string_view text, std::string_view field, int64_t fallback,
                                 int64_t max);
// The logged-in actor, or nullopt for the public (an expired session counts as none).
std::optional<services::Actor> OptionalActor(services::AccountService& accounts,
                                             const Request& request);
// The logged-in actor or kUnauthenticated.
absl::StatusOr<services::Actor> RequireActor(services::AccountService& accounts,
                                             const Request& request);
// Sets the access log's user on a response (the server strips the header).
void TagUser(Response* response, const std::optional<services::Actor>& actor);

}  // namespace zhida::http
