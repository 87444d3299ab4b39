package io.gproxy.pipeline;

import java.util.List;

/**
 * The outcome of model resolution.
 *
 * @param requested the model the client asked for (may be null for model-less operations)
 * @param routeName the route that matched, or null for {@code provider/model} and scoped requests
 * @param targets   where to send it, in preference order
 */
public record Resolution(String requested, String routeName, List<Target> targets) {
}
