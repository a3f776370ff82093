using System.CommandLine;
using System.Diagnostics;
using Aevb.Cli.Commands;
using Aevb.Data;
using Aevb.Models;
using Aevb.Training;

namespace Aevb.Tests.Data;

/// <summary>Damaged or odd data and model files get a clear one-line error, never a hang or a misleading message.</summary>
public class DataFileErrorTests
{
    private static DataManifest.FileEntry Frey => DataManifest.Default.FindFile("frey-faces-idx3-ubyte");

    private static byte[] FreyGz() => File.ReadAllBytes(Path.Combine(DataDirectories.FindRepositoryRoot()!, "data", "frey-faces-idx3-ubyte.gz"));

    private static string ProblemOf(byte[] gz)
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("frey-faces-idx3-ubyte.gz"), gz);
        var e = Assert.Throws<DataFileException>(() => DataFiles.Load(Frey, dir.Path));
        return e.Message;
    }

    [Fact]
    public void ACrcErrorSaysCrcNotUnsupportedCompression()
    {
        var gz = FreyGz();
        gz[^8] ^= 0xFF; // the trailer's CRC-32
        var message = ProblemOf(gz);
        Assert.Contains("CRC-32 mismatch", message);
        Assert.Contains("damaged", message);
        Assert.DoesNotContain("unsupported compression method", message);
    }

    [Fact]
    public void AppendedJunkSaysSoNotFileCutShort()
    {
        var gz = FreyGz().Concat(new byte[100].Select((_, i) => (byte)(i * 7 + 3))).ToArray();
        var message = ProblemOf(gz);
        Assert.Contains("100 byte(s) of unexpected data", message);
        Assert.DoesNotContain("cut short", message);
    }

    [Fact]
    public void AFileCutShortStillSaysTruncated()
    {
        var gz = FreyGz();
        Assert.Contains("truncated", ProblemOf(gz.AsSpan(0, gz.Length / 2).ToArray()));
    }

    [Fact]
    public async Task AFifoInPlaceOfADataFileIsRefusedNotReadForever()
    {
        if (OperatingSystem.IsWindows()) return;
        using var dir = new TempDir();
        using (var mkfifo = Process.Start("mkfifo", [dir.File("frey-faces-idx3-ubyte")])) mkfifo.WaitForExit();
        Assert.True(File.Exists(dir.File("frey-faces-idx3-ubyte")));

        var load = Task.Run(() => Assert.Throws<DataFileException>(() => DataFiles.Load(Frey, dir.Path)));
        Assert.Contains("not a regular file", (await load.WaitAsync(TimeSpan.FromSeconds(30))).Message);

        var info = Task.Run(() => DataInventory.Check(dir.Path));
        Assert.Contains(await info.WaitAsync(TimeSpan.FromSeconds(30)), s => s.Name == "frey-faces-idx3-ubyte" && s.Problem!.Contains("not a regular file"));

        var train = Task.Run(() =>
        {
            var error = new StringWriter();
            var code = TrainCommand.Create().Parse(["--dataset", "frey", "--data-dir", dir.Path, "--out", dir.File("run")])
                .Invoke(new InvocationConfiguration { Output = new StringWriter(), Error = error });
            return (code, error.ToString());
        });
        var (trainCode, trainError) = await train.WaitAsync(TimeSpan.FromSeconds(30)); // a hang throws TimeoutException
        Assert.Equal(1, trainCode);
        Assert.Contains("not a regular file", trainError);
    }

    [Fact]
    public void EvalOfAModelHoldingNaNFailsAndSaysWhy()
    {
        using var dir = new TempDir();
        var model = new Vae(new VaeConfig(784, 10, 2));
        model.NamedParameters.First().Parameter.Value.Data[3] = float.NaN;
        var path = dir.File("model.safetensors");
        Checkpoint.Save(path, model, new CheckpointInfo("mnist", 100));
        var output = new StringWriter();
        var error = new StringWriter();
        var code = EvalCommand.Create().Parse(["--model", path, "--data-dir", TestData.Directory])
            .Invoke(new InvocationConfiguration { Output = output, Error = error });
        Assert.Equal(1, code);
        Assert.Contains("NaN", error.ToString());
        Assert.Contains("model.safetensors", error.ToString());
        Assert.DoesNotContain("NaN", output.ToString());
    }
}
