using System.Reflection;
using MigrationFormat.Samples;
using MigrationFormat.Visitors;
using Xunit;

namespace MigrationFormat.Schema.Tests;

/// <summary>Every sample device type: each public static <see cref="DeviceType"/> field of the samples assembly, so new samples are covered without editing the tests.</summary>
internal static class SampleDevices
{
    public static IReadOnlyList<DeviceType> Types { get; } = typeof(Uart16550).Assembly.GetTypes()
        .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
        .Where(f => f.FieldType == typeof(DeviceType))
        .Select(f => (DeviceType)f.GetValue(null)!)
        .Distinct()
        .OrderBy(t => t.Id, StringComparer.Ordinal)
        .ToList();

    /// <summary>(device id, version) for every supported version of every sample.</summary>
    public static TheoryData<string, int> Versions()
    {
        var data = new TheoryData<string, int>();
        foreach (DeviceType type in Types)
        {
            for (int version = type.MinimumVersion; version <= type.CurrentVersion; version++)
            {
                data.Add(type.Id, version);
            }
        }

        return data;
    }

    public static DeviceSchema Schema(string id, int version) => DeviceSchema.For(Types.Single(t => t.Id == id), version);
}
