package io.switchboard.executor.action.terraform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One tenant's workspace and the places that belong to it: the configuration in
 * {@code <workspaces dir>/<tenant>/<workspace>} (which must resolve, links followed, inside the
 * tenant's own directory) and, under the data directory, {@code tenants/<tenant>/<workspace>/plans}
 * (saved plans) and {@code .../tf-data} (Terraform's {@code TF_DATA_DIR}), both mode 0700. All
 * methods block: call them on a worker.
 */
record TerraformWorkspace(String tenant, String name, Path dir, Path plans, Path tfData) {

  /** A tenant id usable as a directory name. */
  static final Pattern TENANT = Pattern.compile("^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$");

  /** Files and directories Terraform itself writes in a workspace: not part of its fingerprint. */
  private static final Set<String> NOT_CONFIGURATION = Set.of(".terraform", "terraform.tfstate",
      "terraform.tfstate.backup", ".terraform.tfstate.lock.info", "terraform.tfstate.d");

  static TerraformWorkspace resolve(TerraformSettings settings, String tenant, String workspace)
      throws TerraformRefused {
    if (!TENANT.matcher(tenant).matches() || tenant.contains("..")) {
      throw new TerraformRefused("terraform: tenant id '" + TerraformRequest.printable(tenant)
          + "' cannot name a directory");
    }
    Path root;
    try {
      root = settings.workspacesDir().toRealPath();
    } catch (IOException e) {
      throw new TerraformRefused("terraform: the workspaces directory " + settings.workspacesDir()
          + " does not exist on this executor");
    }
    Path tenantDir = root.resolve(tenant);
    Path real;
    try {
      tenantDir = tenantDir.toRealPath();
      real = tenantDir.resolve(workspace).toRealPath();
    } catch (IOException e) {
      throw new TerraformRefused("terraform: this tenant has no workspace '" + workspace + "'");
    }
    if (!real.startsWith(tenantDir) || real.equals(tenantDir) || !tenantDir.startsWith(root)
        || tenantDir.equals(root)) {
      throw new TerraformRefused("terraform: workspace '" + workspace + "' leads out of this tenant's "
          + "workspaces; refused");
    }
    if (!Files.isDirectory(real)) {
      throw new TerraformRefused("terraform: workspace '" + workspace + "' is not a directory");
    }
    Path data = settings.dataDir().resolve("tenants").resolve(tenant).resolve(workspace);
    return new TerraformWorkspace(tenant, workspace, real, data.resolve("plans"), data.resolve("tf-data"));
  }

  /** Creates the plan and data directories (mode 0700: plans hold variable values, secret ones too). */
  void prepare() throws IOException {
    privateDirectories(plans);
    privateDirectories(tfData);
  }

  Path planFile(long planJob) {
    return plans.resolve(planJob + ".tfplan");
  }

  Path planRecord(long planJob) {
    return plans.resolve(planJob + ".json");
  }

  /**
   * SHA-256 over the relative path and content of every regular file of the configuration (links
   * by their target), leaving out what Terraform writes there itself (local state, {@code .terraform}).
   */
  String fingerprint() throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(path -> !path.equals(dir))
          .filter(path -> !NOT_CONFIGURATION.contains(dir.relativize(path).getName(0).toString()))
          .filter(path -> Files.isSymbolicLink(path) || Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS))
          .sorted()
          .toList();
    }
    for (Path file : files) {
      digest.update(dir.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      byte[] content = Files.isSymbolicLink(file)
          ? ("-> " + Files.readSymbolicLink(file)).getBytes(StandardCharsets.UTF_8)
          : Files.readAllBytes(file);
      digest.update((content.length + ":").getBytes(StandardCharsets.UTF_8));
      digest.update(content);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  static void privateDirectories(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
  }
}
