terraform {
  required_providers {
    null = {
      source  = "hashicorp/null"
      version = "3.2.1"
    }
  }
}

locals {
  istio_version      = "1.24.2"
  istio_namespace    = "istio-system"
  istio_mesh_name    = "mesh1"
  istio_cluster_name = "cluster2"
  istio_network_name = "network2"
}

// Create Istio namespace
resource "null_resource" "create_istio_namespace" {
  provisioner "local-exec" {
    command = <<-EOT
      kubectl create namespace ${local.istio_namespace}
      kubectl label namespace ${local.istio_namespace} topology.istio.io/network=${local.istio_network_name} --overwrite=true
    EOT
  }
}

//Install certs secret
resource "null_resource" "istio_certs_secret" {
  depends_on = [null_resource.create_istio_namespace]
  provisioner "local-exec" {
    command = <<-EOT
      kubectl create secret generic cacerts -n ${local.istio_namespace} \
        --from-literal=ca-cert.pem='${var.istio_ca_cert}' \
        --from-literal=ca-key.pem='${var.istio_ca_key}' \
        --from-literal=root-cert.pem='${var.istio_root_cert}' \
        --from-literal=cert-chain.pem='${var.istio_cert_chain}'
      EOT
  }
}

// Apply IstioOperator configuration
resource "null_resource" "apply_istio_cluster_configuration" {
  depends_on = [null_resource.istio_certs_secret]
  provisioner "local-exec" {
    command = <<-EOT
      cat <<EOF | istio-${local.istio_version}/bin/istioctl install -y -f -
      apiVersion: install.istio.io/v1alpha1
      kind: IstioOperator
      spec:
        values:
          global:
            meshID: ${local.istio_mesh_name}
            multiCluster:
              clusterName: ${local.istio_cluster_name}
            network: ${local.istio_network_name}
      EOF
    EOT
  }
}

// Apply east-west gateway
resource "null_resource" "apply_east_west_gateway" {
  depends_on = [null_resource.apply_istio_cluster_configuration]
  provisioner "local-exec" {
    command = <<-EOT
      istio-${local.istio_version}/samples/multicluster/gen-eastwest-gateway.sh \
        --mesh ${local.istio_mesh_name} \
        --cluster ${local.istio_cluster_name} \
        --network ${local.istio_network_name} | \
        istio-${local.istio_version}/bin/istioctl install -y -f -
    EOT
  }
}

// Download the Istio release the commands above use
resource "null_resource" "download_tools" {
  provisioner "local-exec" {
    command = "curl -sL https://storage.googleapis.com/kubernetes-release/release/stable.txt"
  }
}
