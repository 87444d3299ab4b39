package io.gproxy.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Case-insensitive multi-valued HTTP headers. Names are stored lower-case, in insertion order. */
public final class Headers {
    private final LinkedHashMap<String, List<String>> values = new LinkedHashMap<>();

    public Headers() {}

    public static Headers of(String... nameValuePairs) {
        Headers h = new Headers();
        for (int i = 0; i + 1 < nameValuePairs.length; i += 2) {
            h.add(nameValuePairs[i], nameValuePairs[i + 1]);
        }
        return h;
    }

    public static Headers copyOf(Map<String, List<String>> source) {
        Headers h = new Headers();
        source.forEach((name, list) -> {
            if (name != null) {
                list.forEach(v -> h.add(name, v));
            }
        });
        return h;
    }

    public Headers copy() {
        Headers h = new Headers();
        values.forEach((k, v) -> h.values.put(k, new ArrayList<>(v)));
        return h;
    }

    public Headers add(String name, String value) {
        values.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>(1)).add(value);
        return this;
    }

    public Headers set(String name, String value) {
        List<String> list = new ArrayList<>(1);
        list.add(value);
        values.put(name.toLowerCase(Locale.ROOT), list);
        return this;
    }

    public Headers remove(String name) {
        values.remove(name.toLowerCase(Locale.ROOT));
        return this;
    }

    /** First value of the header, if present. */
    public Optional<String> first(String name) {
        List<String> list = values.get(name.toLowerCase(Locale.ROOT));
        return list == null || list.isEmpty() ? Optional.empty() : Optional.ofNullable(list.get(0));
    }

    public String firstOrNull(String name) {
        return first(name).orElse(null);
    }

    public List<String> all(String name) {
        List<String> list = values.get(name.toLowerCase(Locale.ROOT));
        return list == null ? List.of() : Collections.unmodifiableList(list);
    }

    public boolean contains(String name) {
        return values.containsKey(name.toLowerCase(Locale.ROOT));
    }

    /** Total bytes of names and values, as a client would send them; used for the header size limit. */
    public int approximateSize() {
        int size = 0;
        for (Map.Entry<String, List<String>> e : values.entrySet()) {
            for (String v : e.getValue()) {
                size += e.getKey().length() + 4 + (v == null ? 0 : v.length());
            }
        }
        return size;
    }

    public Map<String, List<String>> asMap() {
        return Collections.unmodifiableMap(values);
    }

    @Override
    public String toString() {
        return "Headers" + values.keySet();
    }
}
