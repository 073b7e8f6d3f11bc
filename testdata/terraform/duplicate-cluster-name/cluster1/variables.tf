variable "istio_namespace" {
  type    = string
  default = "istio-system"
}

variable "istio_version" {
  type    = string
  default = "1.24.2"
}

variable "http_nodeport" {
  type    = number
  default = 30080
}

variable "https_nodeport" {
  type    = number
  default = 30443
}
