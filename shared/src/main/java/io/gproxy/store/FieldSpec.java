package io.gproxy.store;

import java.util.Set;

/**
 * One field of a config entity.
 *
 * @param references the entity an INT field points at (checked on import), or null
 * @param allowed    the permitted values of an enumerated STRING field, or null for any
 * @param defaultValue the value stored when the field is absent: a Boolean, Integer or String; null for none
 */
public record FieldSpec(String name, FieldType type, boolean required, EntityType references, Set<String> allowed,
                        Object defaultValue) {

    static FieldSpec req(String name, FieldType type) {
        return new FieldSpec(name, type, true, null, null, null);
    }

    static FieldSpec opt(String name, FieldType type) {
        return new FieldSpec(name, type, false, null, null, null);
    }

    static FieldSpec def(String name, FieldType type, Object defaultValue) {
        return new FieldSpec(name, type, false, null, null, defaultValue);
    }

    static FieldSpec ref(String name, EntityType target, boolean required) {
        return new FieldSpec(name, FieldType.INT, required, target, null, null);
    }

    static FieldSpec oneOf(String name, boolean required, Object defaultValue, String... values) {
        return new FieldSpec(name, FieldType.STRING, required, null, Set.of(values), defaultValue);
    }
}
