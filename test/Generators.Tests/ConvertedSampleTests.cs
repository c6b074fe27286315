using System.Globalization;
using MigrationFormat.Samples;
using MigrationFormat.Visitors;

namespace MigrationFormat.Generators.Tests;

/// <summary>
/// The samples declared with attributes (samples/Uart16550.cs, samples/Mc146818Rtc.cs) are, version for version and
/// byte for byte, the devices they were when written by hand: HandWrittenSamples/ holds what the hand-written
/// classes saved and described.
/// </summary>
public class ConvertedSampleTests
{
    private static readonly DeviceType[] Converted = [Uart16550.DeviceType, Mc146818Rtc.DeviceType];

    public static TheoryData<string> Ids() => [.. Converted.Select(t => t.Id)];

    public static TheoryData<string, string> SchemaFiles()
    {
        var data = new TheoryData<string, string>();
        foreach (DeviceType type in Converted)
        {
            foreach ((string fileName, string _) in SampleCapture.Schemas(type))
            {
                data.Add(type.Id, fileName);
            }
        }

        return data;
    }

    public static TheoryData<string, string, string, int> CapturedStreams()
    {
        var data = new TheoryData<string, string, string, int>();
        foreach (DeviceType type in Converted)
        {
            foreach (CapturedLine line in Captured(type.Id))
            {
                data.Add(type.Id, line.Encoding, line.State, line.Version);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Save_EveryStateAndVersion_WritesTheHandWrittenSamplesBerAndLegacyBytes(string id)
    {
        string expected = File.ReadAllText(CapturedPath(id + ".bytes.txt")).ReplaceLineEndings("\n");

        string actual = SampleCapture.Bytes(TypeOf(id));

        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(SchemaFiles))]
    public void Schema_EveryVersion_IsTheHandWrittenSamplesDocument(string id, string fileName)
    {
        string expected = File.ReadAllText(CapturedPath(fileName)).ReplaceLineEndings("\n");

        string actual = SampleCapture.Schemas(TypeOf(id)).Single(s => s.FileName == fileName).Text;

        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(CapturedStreams))]
    public void Load_HandWrittenSamplesBytes_RestoresTheStateThatSavedThem(string id, string encoding, string state, int version)
    {
        DeviceType type = TypeOf(id);
        byte[] bytes = Captured(id).Single(l => l.Encoding == encoding && l.State == state && l.Version == version).Bytes;
        IDeviceState loaded = type.Create(version);

        if (encoding == "ber")
        {
            new BerDeviceSerializer().Load(loaded, bytes, version);
        }
        else
        {
            LegacyDeviceSerializer.Load(loaded, bytes, version);
        }

        IDeviceState original = SampleCapture.Create(type, version, state);
        Assert.Equal(Testing.StateFingerprint.Of(original).ToString(), Testing.StateFingerprint.Of(loaded).ToString());
    }

    [Fact]
    public void Captured_EveryVersionAndState_HasBothEncodingsAndTheOptionalGroupsBothWays()
    {
        // Guards the comparison against a thin capture: every line exists, and the random states reach both group cases.
        foreach (DeviceType type in Converted)
        {
            List<CapturedLine> lines = Captured(type.Id);
            Assert.Equal((type.CurrentVersion - type.MinimumVersion + 1) * SampleCapture.States.Count * 2, lines.Count);
            var lengths = lines.Where(l => l.Encoding == "legacy" && l.Version == type.CurrentVersion).Select(l => l.Bytes.Length).ToHashSet();
            Assert.True(lengths.Count >= 2, $"{type.Id}: every captured v{type.CurrentVersion} state has the same optional groups");
        }
    }

    private static DeviceType TypeOf(string id) => Converted.Single(t => t.Id == id);

    private static string CapturedPath(string fileName) => Path.Combine(AppContext.BaseDirectory, "HandWrittenSamples", fileName);

    private static List<CapturedLine> Captured(string id) =>
        File.ReadAllLines(CapturedPath(id + ".bytes.txt"))
            .Where(line => line.Length > 0)
            .Select(line => line.Split(' '))
            .Select(parts => new CapturedLine(
                parts[0],
                parts[1],
                int.Parse(parts[2].AsSpan(1), CultureInfo.InvariantCulture),
                Convert.FromHexString(parts[3])))
            .ToList();

    private sealed record CapturedLine(string Encoding, string State, int Version, byte[] Bytes);
}
