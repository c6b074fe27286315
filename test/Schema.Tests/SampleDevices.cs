using System.Reflection;
using MigrationFormat.Samples;
using MigrationFormat.Visitors;
using Xunit;

namespace MigrationFormat.Schema.Tests;

/// <summary>Every sample device type: each public static <see cref="DeviceType"/> field of the samples assembly, so new samples are covered without editing the
/// tests.</summary>
internal static class SampleDevices
{
    public static IReadOnlyList<DeviceType> Types { get; } = typeof(Uart16550).Assembly.GetTypes()
        .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
        .Where(f => f.FieldType == typeof(DeviceType))
        .Select(f => (DeviceType)f.GetValue(null)!)
        .Distinct()
        .OrderBy(t => t.ModelId, StringComparer.Ordinal)
        .ToList();

    /// <summary>(model id, version) for every supported version of every sample; model ids are unique where section ids may repeat (a sample and a real QEMU
    /// model of the same device).</summary>
    public static TheoryData<string, int> Versions()
    {
        var data = new TheoryData<string, int>();
        foreach (DeviceType type in Types)
        {
            for (int version = type.MinimumVersion; version <= type.CurrentVersion; version++)
            {
                data.Add(type.ModelId, version);
            }
        }

        return data;
    }

    public static DeviceSchema Schema(string modelId, int version) => DeviceSchema.For(Types.Single(t => t.ModelId == modelId), version);
}
