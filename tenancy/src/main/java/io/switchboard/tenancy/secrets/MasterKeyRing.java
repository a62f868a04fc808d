package io.switchboard.tenancy.secrets;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The master key a node writes with, and the previous ones it still reads with while a rotation is
 * under way ({@value #PREVIOUS_VARIABLE}): secret values and wrapped keys name the key they were
 * sealed with ({@link MasterKey#id()}), so each is opened with its own key until it is re-sealed
 * under the current one ({@link MasterKeyRotation}). Once nothing names a previous key, it can go.
 */
public record MasterKeyRing(MasterKey current, List<MasterKey> previous) {

  /** Earlier master keys, comma-separated base64, read during a rotation. */
  public static final String PREVIOUS_VARIABLE = "SWITCHBOARD_MASTER_KEY_PREVIOUS";

  public MasterKeyRing {
    previous = List.copyOf(previous);
    for (MasterKey key : previous) {
      if (key.id().equals(current.id())) {
        throw new IllegalArgumentException(PREVIOUS_VARIABLE + " holds the current master key ("
            + MasterKey.ENV_VARIABLE + ") too: list only earlier keys");
      }
    }
  }

  /** A ring of one key: no rotation under way. */
  public static MasterKeyRing of(MasterKey current) {
    return new MasterKeyRing(current, List.of());
  }

  /** Decodes {@value #PREVIOUS_VARIABLE}; errors name the variable, never a value. */
  public static List<MasterKey> previousFromBase64(String commaSeparated) {
    List<MasterKey> keys = new ArrayList<>();
    for (String value : commaSeparated.split(",")) {
      if (!value.isBlank()) {
        keys.add(MasterKey.decode(value.trim(), PREVIOUS_VARIABLE));
      }
    }
    return keys;
  }

  /** The key with this id, current or previous. */
  public Optional<MasterKey> byId(String id) {
    if (current.id().equals(id)) {
      return Optional.of(current);
    }
    return previous.stream().filter(key -> key.id().equals(id)).findFirst();
  }

  /** The ids of every key of the ring, the current first: for messages. */
  public List<String> ids() {
    List<String> ids = new ArrayList<>();
    ids.add(current.id());
    previous.forEach(key -> ids.add(key.id()));
    return ids;
  }
}
