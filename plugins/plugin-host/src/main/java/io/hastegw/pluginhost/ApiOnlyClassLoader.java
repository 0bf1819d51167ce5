package io.hastegw.pluginhost;

/**
 * The parent of every plugin's class loader: it shows a plugin the JDK (the platform class
 * loader) and the plugin API package, nothing of the daemon's own classes or dependencies, so a
 * plugin bundling another version of a library the daemon uses (or another plugin uses) gets
 * its own. Resources are the JDK's only: {@link java.util.ServiceLoader} finds a plugin's
 * providers in its own jars, never on the daemon's class path.
 */
public final class ApiOnlyClassLoader extends ClassLoader {
    /** The only package of the daemon's class path plugins see. */
    public static final String API_PACKAGE = "io.hastegw.plugin.api.";

    static {
        registerAsParallelCapable();
    }

    private final ClassLoader api;

    /** Exposes the API classes that {@code api} (the daemon's or the plugin host's loader) has. */
    public ApiOnlyClassLoader(ClassLoader api) {
        super("haste-plugin-api", ClassLoader.getPlatformClassLoader());
        this.api = api;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (name.startsWith(API_PACKAGE) && name.indexOf('.', API_PACKAGE.length()) < 0) {
            return api.loadClass(name);
        }
        return super.loadClass(name, resolve);
    }
}
