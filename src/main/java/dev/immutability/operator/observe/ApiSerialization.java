package dev.immutability.operator.observe;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * How the operator's client reads objects. managedFields are often a third of a pod and are read for one thing,
 * the time of the latest write: every list, watch event and answer reads them as that one entry, skipping the
 * field sets unbuilt. An object read this way and written back whole keeps its managedFields on the server, which
 * keeps its own when a request's do not decode.
 */
public final class ApiSerialization {
  private ApiSerialization() {}

  public static KubernetesSerialization create() {
    ObjectMapper mapper = new ObjectMapper();
    mapper.addMixIn(ObjectMeta.class, LatestWriteOnly.class);
    return new KubernetesSerialization(mapper, true);
  }

  private abstract static class LatestWriteOnly {
    @JsonDeserialize(using = LatestWrite.class)
    abstract void setManagedFields(List<ManagedFieldsEntry> managedFields);
  }

  /** A managedFields list read as a single entry holding the latest time, or empty when none has a time. */
  static final class LatestWrite extends JsonDeserializer<List<ManagedFieldsEntry>> {
    @Override
    public List<ManagedFieldsEntry> deserialize(JsonParser parser, DeserializationContext context) throws IOException {
      if (parser.currentToken() != JsonToken.START_ARRAY) {
        return context.reportInputMismatch(this, "managedFields must be a list, not %s", parser.currentToken());
      }
      String latest = null;
      for (JsonToken entry = parser.nextToken(); entry != JsonToken.END_ARRAY; entry = parser.nextToken()) {
        if (entry == null) {
          return context.reportInputMismatch(this, "managedFields ends before its list does");
        }
        if (entry != JsonToken.START_OBJECT) {
          // Not an entry the API server would send: skipped whole, so the rest of the object reads as ever.
          parser.skipChildren();
          continue;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String field = parser.currentName();
          JsonToken value = parser.nextToken();
          if ("time".equals(field) && value == JsonToken.VALUE_STRING) {
            // RFC 3339 times in UTC, as the API server writes them, order as strings.
            String time = parser.getText();
            latest = latest == null || time.compareTo(latest) > 0 ? time : latest;
          } else {
            parser.skipChildren();
          }
        }
      }
      List<ManagedFieldsEntry> entries = new ArrayList<>(1);
      if (latest != null) {
        entries.add(new ManagedFieldsEntryBuilder().withTime(latest).build());
      }
      return entries;
    }
  }
}
