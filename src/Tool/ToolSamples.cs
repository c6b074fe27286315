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

    /// <summary>The catalog <c>migfmt describe</c> prints: every sample model with the parameters each version implies.</summary>
    public static DeviceCatalog Catalog { get; } = BuildCatalog();

    private static DeviceCatalog BuildCatalog()
    {
        var catalog = new DeviceCatalog();
        catalog.Add(Uart16550.DeviceType, Parameters(
            ("fifo", ["off", "off", "on"]),
            ("tx-statistics", ["off", "on", "on"])));
        catalog.Add(Mc146818Rtc.DeviceType, Parameters(
            ("lost-tick-policy", ["discard", "slew", "slew"]),
            ("utc-offset", ["off", "off", "on"])));
        catalog.Add(VirtioNet.DeviceType, Parameters(
            ("rx-statistics", ["off", "on", "on"]),
            ("rss", ["off", "off", "on"])));
        catalog.Add(VhostUserBackend.DeviceType, Parameters(
            ("error-reporting", ["off", "on", "on"]),
            ("dirty-log", ["off", "off", "on"])));
        return catalog;
    }

    private static Dictionary<int, IReadOnlyDictionary<string, string>> Parameters(params (string Name, string[] ByVersion)[] parameters)
    {
        var result = new Dictionary<int, IReadOnlyDictionary<string, string>>();
        for (int version = 1; version <= 3; version++)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach ((string name, string[] byVersion) in parameters)
            {
                values[name] = byVersion[version - 1];
            }

            result[version] = values;
        }

        return result;
    }
}
