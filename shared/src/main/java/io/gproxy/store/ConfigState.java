package io.gproxy.store;

import java.util.List;

/** Everything in the config partition at one version. */
public record ConfigState(long version, List<ConfigItem> items) {
}
