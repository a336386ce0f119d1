package dev.immutability.operator.observe;

import dev.immutability.operator.api.ImmutabilityException;
import dev.immutability.operator.api.ImmutabilityPolicy;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserSequence;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyName;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.SettableBeanProperty;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * How the operator's client reads objects. managedFields are often a third of a pod and are read for one thing,
 * the time of the latest write: every list, watch event and answer reads them as that one entry, skipping the
 * field sets unbuilt. An object read this way and written back whole keeps its managedFields on the server, which
 * keeps its own when a request's do not decode.
 *
 * <p>A watch event's object is read straight into its class, found from its kind. fabric8 reads it into a tree
 * first and then the tree into the class, twice the work and a node per field; at start-up every record the
 * operator writes comes back as such an event of the whole pod.
 */
public final class ApiSerialization {
  private ApiSerialization() {}

  public static KubernetesSerialization create() {
    ObjectMapper mapper = new ObjectMapper();
    mapper.addMixIn(ObjectMeta.class, LatestWriteOnly.class);
    KubernetesSerialization serialization = new KubernetesSerialization(mapper, true);
    // The operator's own kinds too, so that their events are read straight into their classes.
    serialization.registerKubernetesResource(ImmutabilityPolicy.class);
    serialization.registerKubernetesResource(ImmutabilityException.class);
    mapper.registerModule(new SimpleModule("watch-events-by-kind").setDeserializerModifier(
        new BeanDeserializerModifier() {
          @Override
          public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription bean,
              BeanDeserializerBuilder builder) {
            SettableBeanProperty object = builder.findProperty(PropertyName.construct("object"));
            if (bean.getBeanClass() == WatchEvent.class && object != null) {
              builder.addOrReplaceProperty(object.withValueDeserializer(
                  new ByKind(serialization, object.getValueDeserializer())), true);
            }
            return builder;
          }
        }));
    return serialization;
  }

  /**
   * An object read into the class registered for its kind, without a tree in between. The API server writes
   * {@code kind} and {@code apiVersion} first, so only they are held back; fields before them, were there any,
   * are held too. A kind no class is registered for goes to fabric8's own reading.
   */
  static final class ByKind extends JsonDeserializer<Object> {
    private final KubernetesSerialization serialization;
    private final JsonDeserializer<Object> fallback;

    ByKind(KubernetesSerialization serialization, JsonDeserializer<Object> fallback) {
      this.serialization = serialization;
      this.fallback = fallback;
    }

    @Override
    public Object deserialize(JsonParser parser, DeserializationContext context) throws IOException {
      if (parser.currentToken() != JsonToken.START_OBJECT) {
        return fallback.deserialize(parser, context);
      }
      TokenBuffer held = context.bufferForInputBuffering(parser);
      held.writeStartObject();
      String kind = null;
      String apiVersion = null;
      JsonToken token = parser.nextToken();
      while (token == JsonToken.FIELD_NAME && (kind == null || apiVersion == null)) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        held.writeFieldName(field);
        held.copyCurrentStructure(parser);
        if (value == JsonToken.VALUE_STRING && "kind".equals(field)) {
          kind = parser.getText();
        } else if (value == JsonToken.VALUE_STRING && "apiVersion".equals(field)) {
          apiVersion = parser.getText();
        }
        token = parser.nextToken();
      }
      // The held fields, then the rest of the object from where the parser stands. The sequence is read token by
      // token (nextToken), as bean deserializers do; its nextValue() would stop at the joint.
      JsonParser whole = JsonParserSequence.createFlattened(true, held.asParser(parser), parser);
      whole.nextToken();
      Class<?> type = kind == null || apiVersion == null ? null
          : serialization.getRegisteredKubernetesResource(apiVersion, kind);
      if (type == null) {
        return fallback.deserialize(whole, context);
      }
      return context.findRootValueDeserializer(context.constructType(type)).deserialize(whole, context);
    }
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
