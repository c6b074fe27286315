using System;
using System.Collections.Generic;
using MigrationFormat.Samples;
using MigrationFormat.Schema;
using MigrationFormat.Visitors;

namespace MigrationFormat.Tool;

/// <summary>The sample devices the tool knows (from <see cref="SampleCatalog"/>): names, versions and busy states.</summary>
internal static class ToolSamples
{
    public static IReadOnlyList<DeviceType> Types => SampleCatalog.DeviceTypes;

    public static DeviceType? Find(string name)
    {
        foreach (DeviceType type in Types)
        {
            if (string.Equals(type.Id, name, StringComparison.Ordinal))
            {
                return type;
            }
        }

        return null;
    }

    public static IDeviceState CreateBusy(DeviceType type, int version) => SampleCatalog.CreateBusy(type, version);

    /// <summary>The catalog <c>migfmt describe</c> prints: every sample model with its typed parameters and the values each version implies.</summary>
    public static DeviceCatalog Catalog { get; } = BuildCatalog();

    private static DeviceCatalog BuildCatalog()
    {
        var catalog = new DeviceCatalog();
        foreach (DeviceType type in Types)
        {
            catalog.Add(type);
        }

        return catalog;
    }
}
