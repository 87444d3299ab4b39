package io.gproxy.config;

/** A gateway user. {@code passwordHash} is null when the user cannot log in with a password. */
public record User(long id, String name, long orgId, Long teamId, String passwordHash, boolean enabled, boolean admin) {
    @Override
    public String toString() {
        return "User[id=" + id + ", name=" + name + "]"; // never print the hash
    }
}
