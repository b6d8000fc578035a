/**
 * Azure regions where HDInsight can be created, as of the date below (Azure "Products available
 * by region", HDInsight row; public cloud only). A region missing here is refused with the
 * nearest names; if HDInsight has arrived in a newer region, `extraLocations` accepts it.
 */
export const HDINSIGHT_REGIONS_AS_OF = "2026-11";

export const HDINSIGHT_REGIONS: readonly string[] = [
  "australiacentral", "australiaeast", "australiasoutheast", "brazilsouth", "canadacentral", "canadaeast",
  "centralindia", "centralus", "eastasia", "eastus", "eastus2", "francecentral", "germanywestcentral",
  "italynorth", "japaneast", "japanwest", "jioindiawest", "koreacentral", "koreasouth", "northcentralus",
  "northeurope", "norwayeast", "qatarcentral", "southafricanorth", "southcentralus", "southeastasia",
  "southindia", "swedencentral", "switzerlandnorth", "uaenorth", "uksouth", "ukwest", "westcentralus",
  "westeurope", "westindia", "westus", "westus2", "westus3",
];
