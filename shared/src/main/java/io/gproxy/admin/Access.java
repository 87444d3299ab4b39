package io.gproxy.admin;

/** Who may call an endpoint. */
enum Access {
    /** No login needed (login, logout). */
    PUBLIC,
    /** An admin user: session cookie or the admin's API key. */
    ADMIN,
    /** Any enabled user with a session cookie (the portal); the user id always comes from the session. */
    SESSION
}
