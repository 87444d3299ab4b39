package io.gproxy.config;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A full-match regex alias; {@code provider} is {@code *} for global aliases or a provider name. */
public record Alias(long id, String provider, Pattern pattern, String target, int sortOrder) {

    /** The rewritten name when the alias matches the whole input ({@code $n} groups substituted). */
    public Optional<String> apply(String model) {
        Matcher m = pattern.matcher(model);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(m.replaceFirst(target));
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return Optional.of(target); // a target naming a missing group is used literally
        }
    }
}
