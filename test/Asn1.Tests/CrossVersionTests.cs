using System.Text.Json.Nodes;
using MigrationFormat.Samples;
using MigrationFormat.Schema.Asn1;
using MigrationFormat.Visitors;

namespace MigrationFormat.Asn1.Tests;

/// <summary>
/// A stream saved by one version, decoded by the module of another, behaves as the library's load wherever ASN.1 can
/// say the rule: fields of later versions are skipped through the extension marker, fields of earlier ones absent
/// are accepted. Where the rules part (docs/wire-format.md §6.4), the tests pin the difference.
/// </summary>
[Collection(SampleDecoderGroup.Name)]
public class CrossVersionTests(SampleDecoderFixture fixture)
{
    private readonly Asn1Decoder _decoder = fixture.Decoder;

    public static TheoryData<string, int, int> EveryPairOfVersions()
    {
        var data = new TheoryData<string, int, int>();
        foreach (DeviceType type in SampleCatalog.DeviceTypes)
        {
            for (int saved = type.MinimumVersion; saved <= type.CurrentVersion; saved++)
            {
                for (int module = type.MinimumVersion; module <= type.CurrentVersion; module++)
                {
                    if (saved != module)
                    {
                        data.Add(type.Id, saved, module);
                    }
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPairOfVersions))]
    public void Decode_StreamOfOneVersionWithModuleOfAnother_AgreesWithMigfmtLoadWhereTheLoadSucceeds(string id, int saved, int moduleVersion)
    {
        byte[] stream = SampleStreams.Save(id, saved, schemas: true, checksums: false);
        Asn1DeviceModule module = _decoder.Modules[(id, moduleVersion)];

        DecodeResult result = _decoder.Decode(module.StreamType, stream);
        LoadOutput load = SampleStreams.Load(id, moduleVersion, stream);

        // ASN.1 skips every unknown extension whatever its class; the library fails on an unknown must-parse one.
        Assert.True(result.ExitCode == 0, result.Errors);
        JsonObject decoded = XerState.State(Assert.Single(XerState.Sections(XerState.Parse(result.Xer))), module);
        if (load.ExitCode != 0)
        {
            Assert.True(saved > moduleVersion, load.Report);
            Assert.Contains("must-parse field", load.Report, StringComparison.Ordinal);
            return;
        }

        // Fields the stream did not carry: absent from the decoded value, defaulted in the load's report.
        JsonObject loaded = load.State!;
        foreach (string missing in loaded.Select(p => p.Key).Where(name => !decoded.ContainsKey(name)).ToList())
        {
            Assert.Contains($"\n  {id}.{missing} [", load.Report, StringComparison.Ordinal);
            loaded.Remove(missing);
        }

        StreamDecodingTests.AssertJsonEqual(loaded, decoded);
    }

    [Fact]
    public void Decode_NewerStreamWithAnUnknownMustParseField_Asn1SkipsItWhereMigfmtLoadFails()
    {
        byte[] stream = SampleStreams.Save("serial", 3, schemas: false, checksums: false);
        Asn1DeviceModule module = _decoder.Modules[("serial", 2)];

        DecodeResult result = _decoder.Decode(module.StreamType, stream);
        LoadOutput load = SampleStreams.Load("serial", 2, stream);

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("fifo-trigger-level", result.Xer, StringComparison.Ordinal);
        Assert.Equal(1, load.ExitCode);
        Assert.Contains("must-parse field [10], which version 2 does not know", load.Report, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_NewerStreamWithOnlyASkippableAddition_BothSkipIt()
    {
        byte[] stream = SampleStreams.Save("serial", 2, schemas: false, checksums: false);
        Asn1DeviceModule module = _decoder.Modules[("serial", 1)];

        DecodeResult result = _decoder.Decode(module.StreamType, stream);
        LoadOutput load = SampleStreams.Load("serial", 1, stream);

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("tx-count", result.Xer, StringComparison.Ordinal);
        Assert.Equal(0, load.ExitCode);
        Assert.Contains("skipped fields:\n  serial.[PRIVATE 9]", load.Report.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_MustParseRootFieldMissing_BothFail()
    {
        // Drop divider [0] (80 02 12 34), a field every version carries: a root component, not OPTIONAL.
        byte[] stream = SampleStreams.Save("serial", 3, schemas: false, checksums: false);
        int divider = stream.AsSpan().IndexOf(new byte[] { 0x62, 0x80, 0x80, 0x02, 0x12, 0x34 }) + 2;
        byte[] without = [.. stream[..divider], .. stream[(divider + 4)..]];

        DecodeResult result = _decoder.Decode(_decoder.Modules[("serial", 3)].StreamType, without);
        LoadOutput load = SampleStreams.Load("serial", 3, without);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal(1, load.ExitCode);
        Assert.Contains("serial.divider [0]", load.Report, StringComparison.Ordinal);
    }
}
