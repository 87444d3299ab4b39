package io.gproxy.admin;

import io.gproxy.config.User;

/**
 * The authenticated user of an admin or portal request.
 *
 * @param sessionDigest the session's token digest when the caller came with the cookie, else null (API key)
 */
record Caller(User user, String sessionDigest) {
}
