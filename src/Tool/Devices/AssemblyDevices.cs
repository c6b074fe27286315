using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;
using MigrationFormat.Visitors;

namespace MigrationFormat.Tool.Devices;

/// <summary>
/// Finds the device types in a user's compiled assembly (<c>--assembly PATH</c>). The rule (docs/tool.md):
/// <list type="number">
/// <item>When the assembly carries <see cref="MigrationDeviceRegistryAttribute"/>, its device types are exactly those
/// each named registry type lists in its public static <c>DeviceTypes</c> property or field.</item>
/// <item>Otherwise they are the values of every public static field or property of type <see cref="DeviceType"/>
/// declared on a public type that implements <see cref="IDeviceState"/> (what the device generator emits).</item>
/// </list>
/// The assembly is loaded in a context of its own that shares the tool's MigrationFormat assemblies (so its types are
/// the tool's types) and resolves its other dependencies from beside it. This is reflection, so it lives here, in the
/// tool, and the library stays trimming- and AOT-clean; a NativeAOT build of the tool cannot load assemblies and says so.
/// </summary>
internal static class AssemblyDevices
{
    /// <summary>Loads the device types of every assembly, in order.</summary>
    /// <param name="paths">The assemblies' paths.</param>
    /// <returns>The device types.</returns>
    /// <exception cref="ToolInputException">An assembly cannot be loaded, holds no device types, or two define one id.</exception>
    [RequiresUnreferencedCode("Reads device types from a user's assembly by reflection; the assembly's own build keeps its types whole.")]
    public static IReadOnlyList<DeviceType> Load(IReadOnlyList<string> paths)
    {
        var types = new List<DeviceType>();
        var origin = new Dictionary<string, string>(StringComparer.Ordinal);
        var context = new UserDevicesContext();
        foreach (string path in paths)
        {
            Assembly assembly = LoadAssembly(context, path);
            foreach (DeviceType type in Discover(assembly, path))
            {
                if (origin.TryGetValue(type.Id, out string? first))
                {
                    if (types.Exists(t => ReferenceEquals(t, type)))
                    {
                        continue;
                    }

                    throw new ToolInputException($"--assembly: expected one device type per id; found device '{type.Id}' in {first} and again in {path}.");
                }

                origin.Add(type.Id, path);
                types.Add(type);
            }
        }

        return types;
    }

    [RequiresUnreferencedCode("Loads a user's assembly.")]
    private static Assembly LoadAssembly(UserDevicesContext context, string path)
    {
        string full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new ToolInputException($"--assembly: expected a compiled .NET assembly (a .dll); found no file at '{path}'.");
        }

        try
        {
            context.AddSearchPath(full);
            return context.LoadFromAssemblyPath(full);
        }
        catch (BadImageFormatException ex)
        {
            throw new ToolInputException($"--assembly: expected a compiled .NET assembly; '{path}' is not one ({ex.Message}).", ex);
        }
        catch (PlatformNotSupportedException ex)
        {
            throw new ToolInputException(
                "--assembly: this build of migfmt (NativeAOT) cannot load assemblies; install the .NET tool build (dotnet tool install migfmt) "
                + "to use device code, or read streams with their embedded schemas (migfmt decode, dump, verify, diff).",
                ex);
        }
        catch (FileLoadException ex)
        {
            throw new ToolInputException($"--assembly: could not load '{path}': {ex.Message}", ex);
        }
    }

    [RequiresUnreferencedCode("Reads static members of the assembly's types.")]
    private static List<DeviceType> Discover(Assembly assembly, string path)
    {
        var found = new List<DeviceType>();
        try
        {
            List<MigrationDeviceRegistryAttribute> registries = [.. assembly.GetCustomAttributes<MigrationDeviceRegistryAttribute>()];
            if (registries.Count > 0)
            {
                foreach (MigrationDeviceRegistryAttribute registry in registries)
                {
                    AddFromRegistry(found, registry.Registry, path);
                }
            }
            else
            {
                foreach (Type type in assembly.GetExportedTypes())
                {
                    if (typeof(IDeviceState).IsAssignableFrom(type) && !type.ContainsGenericParameters)
                    {
                        AddStaticDeviceTypes(found, type);
                    }
                }
            }
        }
        catch (ReflectionTypeLoadException ex)
        {
            string first = ex.LoaderExceptions is [{ } inner, ..] ? inner.Message : ex.Message;
            throw new ToolInputException($"--assembly: could not read the types of '{path}': {first}", ex);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw new ToolInputException($"--assembly: reading the device types of '{path}' failed: {ex.InnerException.Message}", ex);
        }
        catch (TypeInitializationException ex)
        {
            throw new ToolInputException($"--assembly: a type of '{path}' failed to initialise: {ex.InnerException?.Message ?? ex.Message}", ex);
        }
        catch (FileNotFoundException ex)
        {
            throw new ToolInputException($"--assembly: '{path}' needs '{ex.FileName}', which is not beside it: {ex.Message}", ex);
        }

        if (found.Count == 0)
        {
            throw new ToolInputException(
                $"--assembly: expected device types in '{path}'; found no [assembly: MigrationDeviceRegistry(...)] and no public static "
                + "DeviceType field or property on a public type that implements IDeviceState.");
        }

        return found;
    }

    private static void AddFromRegistry(
        List<DeviceType> found,
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicFields)] Type registry,
        string path)
    {
        const BindingFlags Flags = BindingFlags.Public | BindingFlags.Static;
        object? value = registry.GetProperty("DeviceTypes", Flags) is { } property && property.GetIndexParameters().Length == 0
            ? property.GetValue(null)
            : registry.GetField("DeviceTypes", Flags)?.GetValue(null);
        if (value is not IEnumerable list)
        {
            throw new ToolInputException(
                $"--assembly: expected the registry {registry.FullName} named by [assembly: MigrationDeviceRegistry] in '{path}' to have a public static "
                + $"DeviceTypes property or field listing DeviceType values; found {(value is null ? "none" : value.GetType().FullName)}.");
        }

        foreach (object? item in list)
        {
            if (item is not DeviceType type)
            {
                throw new ToolInputException(
                    $"--assembly: expected {registry.FullName}.DeviceTypes in '{path}' to hold DeviceType values; found {item?.GetType().FullName ?? "null"}.");
            }

            AddOnce(found, type);
        }
    }

    [RequiresUnreferencedCode("Reads the static members of a user's type.")]
    private static void AddStaticDeviceTypes(List<DeviceType> found, Type type)
    {
        const BindingFlags Flags = BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (FieldInfo field in type.GetFields(Flags))
        {
            if (field.FieldType == typeof(DeviceType) && field.GetValue(null) is DeviceType value)
            {
                AddOnce(found, value);
            }
        }

        foreach (PropertyInfo property in type.GetProperties(Flags))
        {
            if (property.PropertyType == typeof(DeviceType) && property.GetIndexParameters().Length == 0 && property.GetValue(null) is DeviceType value)
            {
                AddOnce(found, value);
            }
        }
    }

    private static void AddOnce(List<DeviceType> found, DeviceType type)
    {
        if (!found.Exists(t => ReferenceEquals(t, type)))
        {
            found.Add(type);
        }
    }

    /// <summary>
    /// The context user assemblies load in: an assembly the tool itself carries (MigrationFormat, the framework) comes
    /// from the tool, so that a user's <c>DeviceType</c> is the tool's; any other comes from beside the user's assembly.
    /// </summary>
    private sealed class UserDevicesContext : AssemblyLoadContext
    {
        private readonly List<AssemblyDependencyResolver> _resolvers = [];
        private readonly List<string> _directories = [];

        public UserDevicesContext()
            : base("migfmt user devices")
        {
        }

        public void AddSearchPath(string assemblyPath)
        {
            _directories.Add(Path.GetDirectoryName(assemblyPath)!);
            try
            {
                _resolvers.Add(new AssemblyDependencyResolver(assemblyPath));
            }
            catch (InvalidOperationException)
            {
                // No usable .deps.json beside it: the directory search below still finds its neighbours.
            }
        }

        [UnconditionalSuppressMessage(
            "Trimming",
            "IL2026",
            Justification = "Resolves a dependency of a user's assembly loaded by path, which a trimmed or NativeAOT build never does.")]
        protected override Assembly? Load(AssemblyName assemblyName)
        {
            if (IsTools(assemblyName))
            {
                return null;
            }

            foreach (AssemblyDependencyResolver resolver in _resolvers)
            {
                if (resolver.ResolveAssemblyToPath(assemblyName) is { } resolved)
                {
                    return LoadFromAssemblyPath(resolved);
                }
            }

            foreach (string directory in _directories)
            {
                string candidate = Path.Combine(directory, assemblyName.Name + ".dll");
                if (File.Exists(candidate))
                {
                    return LoadFromAssemblyPath(candidate);
                }
            }

            return null;
        }

        private static bool IsTools(AssemblyName name)
        {
            if (name.Name is null)
            {
                return false;
            }

            foreach (Assembly loaded in Default.Assemblies)
            {
                if (string.Equals(loaded.GetName().Name, name.Name, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return IsPlatformAssembly(name.Name);
        }

        /// <summary>Whether the tool's own dependency list (the framework, MigrationFormat) has the assembly.</summary>
        private static bool IsPlatformAssembly(string name)
        {
            if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is not string trusted)
            {
                return false;
            }

            foreach (string path in trusted.Split(Path.PathSeparator))
            {
                if (string.Equals(Path.GetFileNameWithoutExtension(path), name, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
