package io.gproxy.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.gproxy.channel.ChannelException;
import io.gproxy.channel.OutboundProxy;
import io.gproxy.config.ConfigSnapshot;
import io.gproxy.config.Credential;
import io.gproxy.store.ConfigItem;
import io.gproxy.store.EntityType;

import java.util.HashMap;
import java.util.Map;

/**
 * Which proxy an attempt goes through (spec/core.md §8.6): the credential's {@code proxy_url}, else its provider's,
 * else the instance settings' {@code proxy}, else {@code GPROXY_UPSTREAM_PROXY_URL}, else direct. The table is
 * built once per config snapshot, so a request reads no store.
 */
public final class ProxyResolver {
    private final String processDefault;
    private volatile Table table = new Table(null, Map.of(), Map.of(), null);

    /** @param processDefault {@code GPROXY_UPSTREAM_PROXY_URL}, or null */
    public ProxyResolver(String processDefault) {
        this.processDefault = processDefault;
    }

    /**
     * @return the proxy, or {@link OutboundProxy#DIRECT}
     * @throws ChannelException when the chosen setting is not a usable proxy URL: the credential is skipped rather
     *                          than sent around the proxy an operator asked for
     */
    public OutboundProxy resolve(ConfigSnapshot snapshot, Credential credential) throws ChannelException {
        Table t = table;
        if (t.snapshot != snapshot) {
            t = Table.of(snapshot);
            table = t;
        }
        String raw = t.credentials.get(credential.id());
        if (raw == null) {
            raw = t.providers.get(credential.providerId());
        }
        if (raw == null) {
            raw = t.instance;
        }
        if (raw == null) {
            raw = processDefault;
        }
        OutboundProxy proxy = OutboundProxy.parse(raw);
        return proxy == null ? OutboundProxy.DIRECT : proxy;
    }

    private record Table(ConfigSnapshot snapshot, Map<Long, String> credentials, Map<Long, String> providers,
                         String instance) {
        static Table of(ConfigSnapshot snapshot) {
            Map<Long, String> credentials = new HashMap<>();
            Map<Long, String> providers = new HashMap<>();
            String instance = null;
            for (ConfigItem item : snapshot.items()) {
                if (item.type() == EntityType.CREDENTIAL) {
                    put(credentials, item.numericId(), item.doc().get("proxy_url"));
                } else if (item.type() == EntityType.PROVIDER) {
                    put(providers, item.numericId(), item.doc().get("proxy_url"));
                } else if (item.type() == EntityType.INSTANCE_SETTINGS) {
                    JsonNode p = item.doc().get("proxy");
                    instance = p != null && p.isTextual() && !p.textValue().isBlank() ? p.textValue() : null;
                }
            }
            return new Table(snapshot, Map.copyOf(credentials), Map.copyOf(providers), instance);
        }

        private static void put(Map<Long, String> into, long id, JsonNode value) {
            if (value != null && value.isTextual() && !value.textValue().isBlank()) {
                into.put(id, value.textValue());
            }
        }
    }
}
