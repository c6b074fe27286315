using System;
using System.Collections.Generic;
using MigrationFormat.Samples;
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
}
