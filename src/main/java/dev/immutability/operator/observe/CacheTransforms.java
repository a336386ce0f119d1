package dev.immutability.operator.observe;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import java.util.List;
import java.util.Objects;

/**
 * What the caches keep of pods and owners: everything but managedFields, which is often a third of an object and
 * read only for the time of the last write. That time stays, as a single entry.
 */
public final class CacheTransforms {
  private CacheTransforms() {}

  public static <R extends HasMetadata> R withoutManagedFields(R object) {
    List<ManagedFieldsEntry> entries = object.getMetadata().getManagedFields();
    if (entries == null || entries.isEmpty()) {
      return object;
    }
    String latest = entries.stream().map(ManagedFieldsEntry::getTime).filter(Objects::nonNull)
        .max(String::compareTo).orElse(null);
    object.getMetadata().setManagedFields(latest == null ? null
        : List.of(new ManagedFieldsEntryBuilder().withTime(latest).build()));
    return object;
  }
}
