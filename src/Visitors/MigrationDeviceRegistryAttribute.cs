using System;
using System.Diagnostics.CodeAnalysis;

namespace MigrationFormat.Visitors;

/// <summary>
/// Names, on an assembly, the type that lists the assembly's device types, so that tools (<c>migfmt --assembly</c>)
/// find exactly those. The registry type has a public static property or field named <c>DeviceTypes</c> whose value
/// is an <c>IEnumerable&lt;DeviceType&gt;</c>. Without this attribute, <c>migfmt</c> takes every public static field or
/// property of type <see cref="DeviceType"/> declared on a public type that implements <see cref="IDeviceState"/>.
/// </summary>
/// <example>
/// <code>
/// [assembly: MigrationDeviceRegistry(typeof(MyDevices))]
///
/// public static class MyDevices
/// {
///     public static IReadOnlyList&lt;DeviceType&gt; DeviceTypes { get; } = [Uart.DeviceType, Rtc.DeviceType];
/// }
/// </code>
/// </example>
/// <remarks>The library never reads this attribute; it is data for tools, so it costs nothing when trimming or AOT-compiling.</remarks>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class MigrationDeviceRegistryAttribute : Attribute
{
    /// <summary>Names the registry type.</summary>
    /// <param name="registry">The type with the public static <c>DeviceTypes</c> member.</param>
    public MigrationDeviceRegistryAttribute(
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicFields)] Type registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        Registry = registry;
    }

    /// <summary>Gets the registry type.</summary>
    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicFields)]
    public Type Registry { get; }
}
