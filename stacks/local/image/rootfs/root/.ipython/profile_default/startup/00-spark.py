# A Jupyter kernel of the master's JupyterLab starts with `spark` (and `sc`) ready, as HDInsight's
# PySpark kernel does, so the same notebook cells run on both. local[*] on the master: it starts in
# seconds and needs no YARN slot, and the Kafka source is on the class path already (the image's
# Spark jars); nothing is downloaded. Only kernels started by the notebook service (or a headless
# run that sets LAB_JUPYTER_KERNEL=1) get it: a plain `ipython` in the node starts no JVM.
import os

if os.environ.get("LAB_JUPYTER_KERNEL") == "1":
    from pyspark.sql import SparkSession

    spark = (SparkSession.builder.master(os.environ.get("LAB_NOTEBOOK_MASTER", "local[*]"))
             .appName("jupyter")
             .config("spark.sql.shuffle.partitions", "2")
             # Progress bars would fill the cells' output with redraws.
             .config("spark.ui.showConsoleProgress", "false")
             .getOrCreate())
    sc = spark.sparkContext
    spark.sparkContext.setLogLevel("WARN")
