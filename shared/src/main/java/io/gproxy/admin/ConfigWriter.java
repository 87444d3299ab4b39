package io.gproxy.admin;

import io.gproxy.config.ConfigCache;
import io.gproxy.pipeline.GatewayError;
import io.gproxy.store.ConfigConflictException;
import io.gproxy.store.ConfigItem;
import io.gproxy.store.ConfigState;
import io.gproxy.store.ConfigStore;

import java.util.List;

/**
 * Every admin write goes through here: read the config (strongly consistent), let the caller check and build its
 * changes against that read, write them on condition the version has not moved (so uniqueness, references and
 * generated ids hold even with another container writing), retry a few times when it has, and reload this
 * container's snapshot so the next request here sees the change. Other containers see it within their refresh
 * interval ({@code GPROXY_CONFIG_REFRESH_MS}).
 */
final class ConfigWriter {
    private static final int ATTEMPTS = 4;

    /** Plans one write from a fresh read; may throw a GatewayError to refuse it (nothing is written then). */
    interface Plan<T> {
        Change<T> plan(ConfigState state) throws GatewayError;
    }

    record Change<T>(List<ConfigItem> puts, List<ConfigStore.ConfigKey> deletes, T result) {}

    private final ConfigStore store;
    private final ConfigCache cache;

    ConfigWriter(ConfigStore store, ConfigCache cache) {
        this.store = store;
        this.cache = cache;
    }

    ConfigState read() {
        return store.load();
    }

    <T> T apply(Plan<T> plan) throws GatewayError {
        for (int attempt = 1; ; attempt++) {
            ConfigState state = store.load();
            Change<T> change = plan.plan(state);
            if (change.puts().isEmpty() && change.deletes().isEmpty()) {
                return change.result();
            }
            try {
                store.write(change.puts(), change.deletes(), state.version());
                cache.reload();
                return change.result();
            } catch (ConfigConflictException e) {
                if (attempt >= ATTEMPTS) {
                    throw new GatewayError(409, "the configuration changed concurrently; try again");
                }
            }
        }
    }
}
