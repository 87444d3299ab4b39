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
            // appendReplacement uses the whole-input match just made; replaceFirst would search again and could
            // settle on a shorter match, leaving the unmatched tail behind
            StringBuilder out = new StringBuilder();
            m.appendReplacement(out, target);
            return Optional.of(out.toString());
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return Optional.of(target); // a target naming a missing group is used literally
        }
    }
}
