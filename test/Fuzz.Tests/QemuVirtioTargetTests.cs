using Xunit;

namespace MigrationFormat.Fuzz.Tests;

/// <summary>
/// The <c>qemu-virtio</c> target's seeds are sections of real QEMU streams: each decodes against its device entry, its
/// opaque fields are named by the typed models, and it converts to BER and back byte for byte.
/// </summary>
public class QemuVirtioTargetTests
{
    public static TheoryData<string> Seeds()
    {
        var data = new TheoryData<string>();
        foreach (string file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "corpus", "qemu-virtio"), "seed-*").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void RunQemuVirtio_RealSection_DecodesAndConverts(string seed)
    {
        byte[] input = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "corpus", "qemu-virtio", seed));

        (int typedFields, bool converted) = Targets.RunQemuVirtio(input);

        Assert.True(typedFields >= 0, $"{seed} does not decode against its device entry.");
        Assert.True(converted, $"{seed} does not convert to BER.");
    }

    [Theory]
    [InlineData("virtio_net")]
    [InlineData("virtio_blk")]
    [InlineData("virtio_rng")]
    [InlineData("virtio_balloon")]
    [InlineData("slirp")]
    public void RunQemuVirtio_RealSectionOfAModelledDevice_NamesItsOpaqueField(string device)
    {
        byte[] input = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "corpus", "qemu-virtio", $"seed-pc-virtio-{device}-0.bin"));

        (int typedFields, _) = Targets.RunQemuVirtio(input);

        Assert.Equal(1, typedFields);
    }

    [Fact]
    public void RunQemuVirtio_TruncatedVirtioSection_DoesNotDecode()
    {
        byte[] input = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "corpus", "qemu-virtio", "seed-pc-virtio-virtio_net-0.bin"));

        (int typedFields, _) = Targets.RunQemuVirtio(input.AsMemory(0, input.Length - 100));

        Assert.Equal(-1, typedFields);
    }

    [Fact]
    public void QemuModelDevices_CoverEveryModelledKindAndVmmouse()
    {
        string[] kinds = [.. Targets.QemuModelDevices.Select(entry => entry.Device.Name[(entry.Device.Name.LastIndexOf('/') + 1)..]).Distinct()];

        Assert.Equal(["slirp", "virtio-balloon", "virtio-blk", "virtio-net", "virtio-rng", "vmmouse"], kinds.Order(StringComparer.Ordinal));
    }
}
