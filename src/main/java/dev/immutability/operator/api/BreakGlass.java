package dev.immutability.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Who may still exec, attach and debug in Enforce mode, e.g. an on-call group: allowed, recorded, replaced later. */
@JsonIgnoreProperties(ignoreUnknown = true)
public class BreakGlass {
  @Size(max = 32)
  @JsonPropertyDescription("User names, as the API server authenticates them (e.g. alice@example.com).")
  private List<@Size(max = 253) String> users = new ArrayList<>();

  @Size(max = 32)
  @JsonPropertyDescription("Group names, e.g. oncall-sre.")
  private List<@Size(max = 253) String> groups = new ArrayList<>();

  public List<String> getUsers() {
    return users;
  }

  public void setUsers(List<String> users) {
    this.users = users;
  }

  public List<String> getGroups() {
    return groups;
  }

  public void setGroups(List<String> groups) {
    this.groups = groups;
  }

  /** The user or group that lets this requester in, if any. */
  public Optional<String> admits(String username, Collection<String> userGroups) {
    if (users != null && users.contains(username)) {
      return Optional.of("user " + username);
    }
    return (groups == null ? List.<String>of() : groups).stream().filter(userGroups::contains).findFirst()
        .map(group -> "group " + group);
  }
}
