package io.hastegw.daemon.plugin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Optional;
import java.util.Set;

/**
 * The one rule for what code the gateway loads (docs/plugins.md "Security"): a plugins folder,
 * a plugin's folder and every jar in it must be owned by root or by the gateway's own user, must
 * not be writable by the group or by others, and must not be a symbolic link. Anyone else who
 * could change such a file could run code as the gateway. The same holds for every folder above
 * the operator's plugins folder up to {@code /} (whoever can write one could swap the folder
 * below it), except that a sticky folder such as {@code /tmp}, where others cannot rename or
 * delete what is not theirs, may be writable by others.
 */
final class PluginFiles {
    private final String user;

    /** Checks files against {@code user} (the gateway's user) and root. */
    PluginFiles(String user) {
        this.user = user;
    }

    /** Why the folders above {@code dir} (its real path) make it unsafe, or empty when none does. */
    Optional<String> parentsRefusal(Path dir) {
        Path real;
        try {
            real = dir.toRealPath();
        } catch (IOException e) {
            return Optional.of(dir + ": cannot resolve its real path: " + e.getMessage());
        }
        for (Path p = real.getParent(); p != null; p = p.getParent()) {
            Optional<String> bad = refusal(p, true);
            if (bad.isPresent()) {
                return Optional.of("folder " + p + " above it: " + bad.get().substring(p.toString().length() + 1)
                        + " (whoever can write it can replace the plugins folder)");
            }
        }
        return Optional.empty();
    }

    /** Why {@code path} must not be loaded, or empty when it may. */
    Optional<String> refusal(Path path) {
        return refusal(path, false);
    }

    /** Why {@code path} must not be loaded; {@code stickyMayBeShared}: a sticky folder may be writable by others. */
    private Optional<String> refusal(Path path, boolean stickyMayBeShared) {
        PosixFileAttributes a;
        try {
            a = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException e) {
            return Optional.of(path + ": the file system has no owners and permissions to check; plugins are loaded only from POSIX file systems");
        } catch (IOException e) {
            return Optional.of(path + ": cannot read its owner and permissions: " + e.getMessage());
        }
        if (a.isSymbolicLink()) {
            return Optional.of(path + " is a symbolic link; plugins are loaded only from files in the plugins folder");
        }
        String owner = a.owner().getName();
        if (!owner.equals("root") && !owner.equals(user)) {
            return Optional.of(path + " is owned by '" + owner + "'; it must be owned by " + (user.equals("root") ? "root (the gateway's user)"
                    : "root or '" + user + "' (the gateway's user)"));
        }
        Set<PosixFilePermission> p = a.permissions();
        if ((p.contains(PosixFilePermission.GROUP_WRITE) || p.contains(PosixFilePermission.OTHERS_WRITE)) && !(stickyMayBeShared && sticky(path))) {
            return Optional.of(path + " is " + (p.contains(PosixFilePermission.OTHERS_WRITE) ? "world" : "group") + "-writable (mode "
                    + java.nio.file.attribute.PosixFilePermissions.toString(p) + "); remove the write permission: chmod go-w " + path);
        }
        return Optional.empty();
    }

    /** Whether {@code folder} has the sticky bit (only an entry's owner may rename or delete it). */
    private static boolean sticky(Path folder) {
        try {
            return ((Integer) Files.getAttribute(folder, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 01000) != 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
