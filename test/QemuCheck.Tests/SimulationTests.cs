using Xunit.Abstractions;

namespace MigrationFormat.QemuCheck.Tests;

/// <summary>The simulated source and destination are QEMU's format: real 7.2 sections load exactly, and saving them again gives the same bytes.</summary>
public sealed class SimulationTests(ITestOutputHelper output)
{
    [Fact]
    public void Load_RealPcDevicesSections_EachLoadsExactlyWithItsDumpEntry()
    {
        output.WriteLine(string.Join(", ", RealStreamDevices.PcDevices.Select(d => $"{d.IdStr}={d.Entry.QomType}")));
        Assert.Contains(RealStreamDevices.PcDevices, d => d.Entry.Description!.Name == "serial");
        Assert.True(RealStreamDevices.PcDevices.Count >= 15, $"only {RealStreamDevices.PcDevices.Count} sections load");
    }

    [Fact]
    public void Save_RealValuesWithTheStreamsRuntimeAnswers_ReproducesEveryRealPayload()
    {
        foreach (RealStreamDevices.RealDevice device in RealStreamDevices.PcDevices)
        {
            var writes = new List<VmStateWireField>();
            byte[] saved = VmStateSaver.Save(device.Entry, device.Runtime, (path, width) => device.Values[path], writes);
            Assert.True(saved.AsSpan().SequenceEqual(device.Payload), $"{device.IdStr} ({device.Entry.QomType}) differs when saved again");
        }
    }
}
