using Aevb.Tests.Data;
using Aevb.Training.Runs;

namespace Aevb.Tests.Baselines;

public class RunLogTests
{
    [Fact]
    public void RoundTripsValuesAndMissingCells()
    {
        using var dir = new TempDir();
        var log = new RunLog(["train_bound", "test_bound"]);
        log.Add(100, 1.5, 0.25, new Dictionary<string, double> { ["train_bound"] = -123.456789012345, ["test_bound"] = -120.5 });
        log.Add(300, 4.0, 0.5, new Dictionary<string, double> { ["train_bound"] = -99.25 }); // test_bound not measured
        var path = dir.File("log.csv");
        log.WriteCsv(path);
        Assert.Equal("samples,train_seconds,eval_seconds,train_bound,test_bound", File.ReadLines(path).First());
        var back = RunLog.ReadCsv(path);
        Assert.Equal([100L, 300L], back.Samples);
        Assert.Equal([-123.456789012345, -99.25], back.Column("train_bound"));
        Assert.True(double.IsNaN(back.Column("test_bound")[1]));
        Assert.Equal([1.5, 4.0], back.Column("train_seconds"));
        back.TruncateAfter(200);
        Assert.Equal([100L], back.Samples);
        Assert.Throws<KeyNotFoundException>(() => back.Column("nope"));
    }

    [Fact]
    public void BadFilesAreReportedWithPathAndLine()
    {
        using var dir = new TempDir();
        var path = dir.File("log.csv");
        File.WriteAllText(path, "samples,seconds\n1,2\n");
        Assert.Contains(path, Assert.Throws<InvalidDataException>(() => RunLog.ReadCsv(path)).Message);
        File.WriteAllText(path, "samples,train_seconds,eval_seconds,test_bound\n100,1,0,-5\n100,2,0,-4\n");
        var e = Assert.Throws<InvalidDataException>(() => RunLog.ReadCsv(path));
        Assert.Contains("line 3", e.Message);
        File.WriteAllText(path, "samples,train_seconds,eval_seconds,test_bound\n100,1,0,abc\n");
        Assert.Contains("'abc'", Assert.Throws<InvalidDataException>(() => RunLog.ReadCsv(path)).Message);
        Assert.Throws<FileNotFoundException>(() => RunLog.ReadCsv(dir.File("missing.csv")));
    }
}
