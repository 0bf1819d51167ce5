package io.hastegw.daemon.plugin;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hastegw.plugin.api.Plugin;
import io.hastegw.pluginhost.ApiOnlyClassLoader;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Opens a candidate's code: a class loader of its own over its jars (whose parent shows only the
 * API and the JDK, {@link ApiOnlyClassLoader}), its one descriptor read before any of its code
 * runs, and its one {@link Plugin} found with {@link ServiceLoader}. Every problem is a
 * {@link PluginFailure} with reason {@link PluginFailure.Reason#REFUSED} and a message that says it.
 */
final class PluginLoader {
    private final ObjectMapper json;

    PluginLoader(ObjectMapper json) {
        this.json = json;
    }

    /** A class loader over {@code c}'s jars, named for it. */
    URLClassLoader open(PluginCandidate c) {
        URL[] urls = new URL[c.jars().size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = c.jars().get(i).toUri().toURL();
            } catch (MalformedURLException e) {
                throw refused("cannot open " + c.jars().get(i) + ": " + e.getMessage(), e);
            }
        }
        return new URLClassLoader("plugin:" + c.location().getFileName(), urls, new ApiOnlyClassLoader(PluginLoader.class.getClassLoader()));
    }

    /** The one descriptor in {@code loader}'s jars. */
    PluginDescriptor descriptor(URLClassLoader loader) {
        List<URL> found;
        try {
            found = Collections.list(loader.findResources(PluginDescriptor.FILE));
        } catch (IOException e) {
            throw refused("cannot read its jars: " + e.getMessage(), e);
        }
        if (found.size() != 1) {
            throw refused(found.isEmpty() ? "no " + PluginDescriptor.FILE + " at the root of its jar"
                    : found.size() + " descriptors (" + PluginDescriptor.FILE + ") in its jars; a plugin has one", null);
        }
        try (InputStream in = uncached(found.get(0))) {
            return PluginDescriptor.read(in, json);
        } catch (IOException e) {
            throw refused("cannot read " + PluginDescriptor.FILE + ": " + e.getMessage(), e);
        } catch (PluginDescriptor.InvalidDescriptorException e) {
            throw refused(e.getMessage(), e);
        }
    }

    /** The one {@link Plugin} implementation {@code loader}'s jars name as a service. */
    Plugin instantiate(ClassLoader loader) {
        try {
            Iterator<Plugin> it = ServiceLoader.load(Plugin.class, loader).iterator();
            if (!it.hasNext()) {
                throw refused("no implementation of " + Plugin.class.getName() + " named in META-INF/services/" + Plugin.class.getName()
                        + " of its jars", null);
            }
            Plugin plugin = it.next();
            if (it.hasNext()) {
                throw refused("more than one implementation of " + Plugin.class.getName() + " in its jars; a plugin has one", null);
            }
            return plugin;
        } catch (ServiceConfigurationError | LinkageError e) {
            throw refused("cannot load: " + e, e);
        }
    }

    private static PluginFailure refused(String message, Throwable cause) {
        return new PluginFailure(PluginFailure.Reason.REFUSED, message, cause);
    }

    /** The id in {@code c}'s descriptor, or null when it cannot be read (an operator's enable looks a plugin up by id). */
    String idOf(PluginCandidate c) {
        try (URLClassLoader classes = open(c)) {
            return descriptor(classes).id();
        } catch (PluginFailure | java.io.IOException e) {
            return null;
        }
    }

    /** {@code url}'s content read afresh: the JDK's shared jar cache would serve a replaced jar's old entries (an operator's reload). */
    private static InputStream uncached(URL url) throws IOException {
        java.net.URLConnection c = url.openConnection();
        c.setUseCaches(false);
        return c.getInputStream();
    }
}
